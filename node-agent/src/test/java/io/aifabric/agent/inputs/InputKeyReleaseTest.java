package io.aifabric.agent.inputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.protocol.seal.KeyGrant;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the agent releases for a pod on its node, and what it refuses to. */
class InputKeyReleaseTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String NODE = "member-a.gpu-1";
  private static final byte[] ADDRESS = new byte[32];
  private static final byte[] PAYLOAD_KEY = new byte[32];

  static {
    RANDOM.nextBytes(ADDRESS);
    RANDOM.nextBytes(PAYLOAD_KEY);
  }

  @Test
  void aGrantForThisNodeIsOpenedIntoTheJobsKeySecret(@TempDir Path dir) throws Exception {
    NodeKeyring node = NodeKeyring.loadOrCreate(dir.resolve("key"), RANDOM);
    Pod pod = pod("job-uid", manifest("job-uid", Map.of(NODE, grantFor(node, "job-uid", NODE))));

    InputKeyRelease.Release release = InputKeyRelease.releaseFor(pod, NODE, node).orElseThrow();

    assertThat(release.refusal()).isNull();
    var secret = release.secret();
    assertThat(secret.getMetadata().getName()).isEqualTo("train-abc-input-keys");
    assertThat(secret.getMetadata().getNamespace()).isEqualTo("aifabric-ml");
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Job");
              assertThat(o.getUid()).isEqualTo("member-job-uid");
            });
    assertThat(Base64.getDecoder().decode(secret.getData().get("input-0"))).isEqualTo(PAYLOAD_KEY);
  }

  @Test
  void grantsForOtherNodesOrJobsAreNotOpened(@TempDir Path dir) throws Exception {
    NodeKeyring node = NodeKeyring.loadOrCreate(dir.resolve("key"), RANDOM);
    NodeKeyring other = NodeKeyring.loadOrCreate(dir.resolve("other"), RANDOM);

    // Only another node has a grant.
    Pod onlyOther =
        pod(
            "job-uid",
            manifest(
                "job-uid", Map.of("member-a.gpu-2", grantFor(other, "job-uid", "member-a.gpu-2"))));
    assertThat(InputKeyRelease.releaseFor(onlyOther, NODE, node).orElseThrow().refusal())
        .isEqualTo("no key of input train of volume data is granted to member-a.gpu-1");
    // Filed under this node, but sealed to another node's key.
    Pod misfiled =
        pod("job-uid", manifest("job-uid", Map.of(NODE, grantFor(other, "job-uid", NODE))));
    assertThat(InputKeyRelease.releaseFor(misfiled, NODE, node).orElseThrow().refusal())
        .startsWith("input train of volume data: the key grant does not open for node");
    // Another job's grant put into this pod: the manifest names that job, the pod is another's.
    Pod replayed =
        pod("job-uid", manifest("other-job", Map.of(NODE, grantFor(node, "other-job", NODE))));
    assertThat(InputKeyRelease.releaseFor(replayed, NODE, node).orElseThrow().refusal())
        .isEqualTo("the manifest is for job other-job, the pod is of job job-uid");
    // Another job's grant under this job's manifest: bound to the other job, it does not open.
    Pod relabelled =
        pod("job-uid", manifest("job-uid", Map.of(NODE, grantFor(node, "other-job", NODE))));
    assertThat(InputKeyRelease.releaseFor(relabelled, NODE, node).orElseThrow().refusal())
        .startsWith("input train of volume data: the key grant does not open for node");
    // No manifest: nothing to do.
    Pod plain = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
    assertThat(InputKeyRelease.releaseFor(plain, NODE, node)).isEmpty();
  }

  private static byte[] grantFor(NodeKeyring node, String jobUid, String nodeName) {
    return KeyGrant.wrap(
        PAYLOAD_KEY,
        node.x25519PublicKey(),
        new KeyGrant.Binding("net", jobUid, nodeName, ADDRESS),
        RANDOM);
  }

  private static String manifest(String jobUid, Map<String, byte[]> grants) {
    return new SealedInputManifest(
            "net",
            jobUid,
            List.of(
                new SealedInputManifest.Entry(
                    "data",
                    "vol-uid",
                    "train",
                    "http://store/b/train.aifs",
                    ADDRESS,
                    100,
                    "/data",
                    grants)))
        .toJson();
  }

  private static Pod pod(String jobUid, String manifest) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("train-abc-0-xyz")
        .withNamespace("aifabric-ml")
        .addToLabels("aifabric.io/job-uid", jobUid)
        .addToAnnotations(SealedInputManifest.ANNOTATION, manifest)
        .addNewOwnerReference()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName("train-abc")
        .withUid("member-job-uid")
        .endOwnerReference()
        .endMetadata()
        .build();
  }
}
