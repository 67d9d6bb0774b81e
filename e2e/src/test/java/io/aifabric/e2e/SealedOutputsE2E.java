package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.escrow.audit.JobAudit;
import io.aifabric.escrow.audit.StoredOutputs;
import io.aifabric.escrow.audit.Verdict;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Signature;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.SealingSidecars;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The data path end to end, on real parts: each member with a real S3 store (SeaweedFS) its
 * MemberCluster names, the packaged sealing sidecar run for each replica as a kubelet runs native
 * sidecars, the real node agent signing each replica's receipt with the sealed output's address,
 * and the user's CLI fetching and opening the outputs with the key it made.
 */
@Order(15)
class SealedOutputsE2E extends FederatedE2E {
  private static final String TEXT = "summaries of shard {replica}";
  private static final int BYTES = 300_000;

  private static final Map<String, ObjectStoreProcess> stores = new HashMap<>();
  private static final List<SealingSidecars> kubelets = new ArrayList<>();
  private static Path key;
  private static String publicKey;

  @BeforeAll
  static void storesSidecarsAndAKey(TestBed bed) throws Exception {
    for (String member : bed.members()) {
      ObjectStoreProcess store =
          ObjectStoreProcess.start(
              ObjectStoreProcess.defaultBinary(), bed.dir().resolve("stores/" + member), "outputs");
      stores.put(member, store);
      federation.offerObjectStore(member, store);
      kubelets.add(
          SealingSidecars.start(bed.client(member), bed.dir().resolve("sidecars/" + member)));
    }
    key = bed.dir().resolve("user/key");
    CommandResult keygen = AifabricCli.run("keygen", "--out", key.toString());
    assertThat(keygen.exitCode()).as(keygen.stderr()).isZero();
    publicKey = keygen.stdout().strip();
  }

  @AfterAll
  static void stop() {
    // The MemberClusters outlive this class (the next federation applies the examples again):
    // they must not name stores that are gone.
    for (String member : stores.keySet()) {
      federation
          .host
          .resources(MemberCluster.class)
          .withName(member)
          .edit(
              m -> {
                m.getSpec().setObjectStore(null);
                return m;
              });
    }
    kubelets.forEach(SealingSidecars::close);
    stores.values().forEach(ObjectStoreProcess::close);
  }

  @Test
  void aJobsOutputsComeBackOnlyToItsUsersKeyAndAreWhatItsNodesSignedFor(TestBed bed)
      throws Exception {
    AIJob job = Federation.exampleJob("24-aijob-sealed-outputs.yaml", ns, "sealed");
    job.getSpec().getEncryption().setUserPublicKey(publicKey);
    job = federation.create(job);
    String uid = job.getMetadata().getUid();
    AIJob done = awaitSucceeded(job);
    String cluster = done.getStatus().getPlacement().getCluster();
    ObjectStoreProcess store = stores.get(cluster);

    // In the member: each pod has the sealing sidecar; the upload URLs are in a Secret only it
    // mounts, owned by the member Job.
    List<Pod> pods =
        bed.client(cluster)
            .pods()
            .inAnyNamespace()
            .withLabel("aifabric.io/job-uid", uid)
            .list()
            .getItems();
    assertThat(pods).hasSize(2);
    Pod pod = pods.get(0);
    assertThat(pod.getSpec().getInitContainers())
        .singleElement()
        .satisfies(c -> assertThat(c.getRestartPolicy()).isEqualTo("Always"));
    assertThat(pod.getSpec().getContainers().get(0).getVolumeMounts())
        .noneMatch(m -> m.getMountPath().equals("/aifabric/upload"));
    Secret uploads =
        bed.client(cluster)
            .secrets()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(pod.getMetadata().getLabels().get("job-name") + "-upload")
            .get();
    assertThat(uploads.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
    assertThat(uploads.getData()).containsOnlyKeys("0", "1");

    Map<String, byte[]> held = bothOutputsSealedIn(store, uid);

    // The real agents of the nodes that ran the replicas sign receipts naming the sealed outputs.
    Set<String> nodes = new LinkedHashSet<>(done.getStatus().getPlacement().getNodes());
    List<AgentProcess> agents = new ArrayList<>();
    try {
      for (String node : nodes) {
        agents.add(NodeAgents.start(bed, federation, cluster, node));
      }
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                AIJob now = federation.get(done);
                assertThat(Federation.condition(now, "OutputsSealed"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("AllOutputsSealed");
                        });
              });
    } finally {
      agents.forEach(AgentProcess::close);
    }
    AIJob sealed = federation.get(done);
    List<ReplicaOutput> outputs = sealed.getStatus().getOutputs();
    assertThat(outputs).extracting(ReplicaOutput::getReplica).containsExactly(0, 1);
    for (ReplicaOutput output : outputs) {
      byte[] stored = held.get(SealedOutputObjects.key("aifabric", uid, output.getReplica()));
      assertThat(output.getSealedBytes()).isEqualTo(stored.length);
      assertThat(output.getUrl())
          .isEqualTo(
              store.endpoint()
                  + "/outputs/"
                  + SealedOutputObjects.key("aifabric", uid, output.getReplica()));
    }
    // The host holds addresses, never what the replicas wrote.
    assertThat(Serialization.asJson(sealed)).doesNotContain(text(0)).doesNotContain(text(1));

    // The user's CLI fetches, checks and opens exactly the bytes each replica wrote.
    Path out = bed.dir().resolve("user/fetched-" + uid);
    CommandResult fetched = fetch(out, key);
    assertThat(fetched.exitCode()).as(fetched.stderr()).isZero();
    for (int replica = 0; replica < 2; replica++) {
      Path dir = out.resolve("replica-" + replica);
      assertThat(Files.readString(dir.resolve("result.txt"))).isEqualTo(text(replica));
      assertThat(Files.readAllBytes(dir.resolve("data.bin"))).isEqualTo(data(uid, replica));
      assertThat(fetched.stdout()).contains("replica " + replica + ": 2 files");
    }

    // Another key: refused before a byte is fetched, nothing written.
    Path otherKey = bed.dir().resolve("user/other-key");
    assertThat(AifabricCli.run("keygen", "--out", otherKey.toString()).exitCode()).isZero();
    Path wrong = bed.dir().resolve("user/wrong-key-" + uid);
    CommandResult withOtherKey = fetch(wrong, otherKey);
    assertThat(withOtherKey.exitCode()).isEqualTo(1);
    assertThat(withOtherKey.stderr()).contains("is not the one job " + ns + "/sealed seals to");
    assertThat(wrong).doesNotExist();

    // A provider that alters a stored output: the fetch fails cleanly and leaves nothing.
    String replica1 = SealedOutputObjects.key("aifabric", uid, 1);
    byte[] tampered = held.get(replica1).clone();
    tampered[tampered.length - 100] ^= 1;
    store.put(replica1, tampered);
    Path afterTampering = bed.dir().resolve("user/tampered-" + uid);
    CommandResult tamperedFetch = fetch(afterTampering, key, "--replica", "1");
    assertThat(tamperedFetch.exitCode()).isEqualTo(1);
    assertThat(tamperedFetch.stderr()).contains("does not authenticate");
    assertThat(afterTampering.resolve("replica-1")).doesNotExist();

    // The oracles' audit asks the real store, anonymously, at the key it derives itself. With
    // both outputs there at their signed sizes it goes on past them (to the escrow deposit, which
    // this job, audited as if it paid from escrow, does not have); a provider that stores one
    // short, or drops one, is refused by name before any deposit is looked at.
    AIJob audited = Serialization.clone(sealed);
    audited.getSpec().getPayment().setEscrow(true);
    assertThat(audit(audited, cluster).refusal()).startsWith("the escrow holds no deposit from");
    store.put(replica1, Arrays.copyOf(tampered, tampered.length - 1));
    assertThat(audit(audited, cluster).refusal())
        .isEqualTo(
            "replica 1's sealed output "
                + replica1
                + " holds "
                + (tampered.length - 1)
                + " bytes; its receipt signs for "
                + tampered.length);
    String replica0 = SealedOutputObjects.key("aifabric", uid, 0);
    store.delete(replica0);
    assertThat(audit(audited, cluster).refusal())
        .isEqualTo(
            "replica 0's sealed output " + replica0 + " is not in " + cluster + "'s object store");
  }

  /**
   * An oracle's audit of the job with the real store lookup the bridge uses, the host's view of the
   * member and its nodes, and the receipts the nodes signed (rebuilt from the job's status, each
   * checked against its node's signature); no deposit exists.
   */
  private static Verdict audit(AIJob job, String cluster) throws Exception {
    List<WorkReceipt.Signed> receipts = new ArrayList<>();
    for (ReplicaOutput output : job.getStatus().getOutputs()) {
      WorkReceipt receipt =
          new WorkReceipt(
              job.getMetadata().getUid(),
              output.getReplica(),
              EthAddress.parse(output.getNodeAddress()),
              output.getGpuSeconds(),
              output.getExitCode(),
              Hex.decode(output.getContentAddress(), 32),
              output.getFinishedAtMillis(),
              output.getSealedBytes());
      receipts.add(new WorkReceipt.Signed(receipt, Signature.parse(output.getReceiptSignature())));
    }
    StoredOutputs lookup = new StoredOutputs();
    return JobAudit.audit(
        new JobAudit.Inputs(
            "aifabric",
            job,
            federation.member(cluster),
            name -> federation.host.resources(ComputeNode.class).withName(name).get(),
            receipts,
            lookup,
            (payer, depositKey) -> Optional.empty()));
  }

  /**
   * What the store holds of the job: both replicas' outputs and nothing else, sealed (no byte of
   * what the replicas wrote is there).
   */
  static Map<String, byte[]> bothOutputsSealedIn(ObjectStoreProcess store, String uid) {
    Map<String, byte[]> held = store.objects();
    assertThat(held)
        .containsOnlyKeys(
            SealedOutputObjects.key("aifabric", uid, 0),
            SealedOutputObjects.key("aifabric", uid, 1));
    for (int replica = 0; replica < 2; replica++) {
      byte[] sealed = held.get(SealedOutputObjects.key("aifabric", uid, replica));
      assertThat(new String(Arrays.copyOf(sealed, 4), StandardCharsets.US_ASCII)).isEqualTo("AIFS");
      assertThat(contains(sealed, text(replica).getBytes(StandardCharsets.UTF_8))).isFalse();
      assertThat(contains(sealed, Arrays.copyOfRange(data(uid, replica), 1000, 1064))).isFalse();
    }
    return held;
  }

  private static AIJob awaitSucceeded(AIJob job) {
    try {
      return federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(120));
    } catch (RuntimeException | AssertionError e) {
      StringBuilder why = new StringBuilder("the sealed job did not succeed\n");
      kubelets.forEach(k -> why.append(k.diagnostics()));
      throw new AssertionError(why.toString(), e);
    }
  }

  private static CommandResult fetch(Path out, Path withKey, String... more) {
    return fetch("sealed", out, withKey, more);
  }

  /** {@code aifabric fetch} of a job in the test namespace, as its user runs it. */
  static CommandResult fetch(String job, Path out, Path withKey, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "fetch",
                job,
                "-n",
                ns,
                "--kubeconfig",
                federation.bed.kubeconfig(TestBed.HOST).toString(),
                "--key",
                withKey.toString(),
                "--out",
                out.toString()));
    args.addAll(List.of(more));
    return AifabricCli.run(args.toArray(String[]::new));
  }

  /** What the simulated replica wrote into result.txt. */
  static String text(int replica) {
    return TEXT.replace("{replica}", String.valueOf(replica));
  }

  /** What the simulated replica wrote into data.bin. */
  static byte[] data(String uid, int replica) {
    return SealingSidecars.simulatedBytes(uid, replica, BYTES);
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
