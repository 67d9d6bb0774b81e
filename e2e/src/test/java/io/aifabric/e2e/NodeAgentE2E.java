package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.TestBed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The real node agent, packaged, running for the KWOK node a job ran on with the credentials the
 * member chart gives it (least privilege, own Node only): it registers its keys on its Node, sends
 * heartbeats and its hardware report, and signs the receipt of the replica that ended there; the
 * operator turns that into Registered, Available, Verified and Receipted.
 */
@Order(13)
class NodeAgentE2E extends FederatedE2E {

  @Test
  void anAgentOnTheNodeThatRanAJobMakesItRegisteredAvailableVerifiedAndReceipted(TestBed bed)
      throws Exception {
    AIJob done =
        federation.awaitPhase(
            federation.create(Federation.exampleJob("20-aijob-inference.yaml", ns, "agent-job")),
            JobPhase.Succeeded,
            Duration.ofSeconds(60));
    String cluster = done.getStatus().getPlacement().getCluster();
    String node = done.getStatus().getPlacement().getNodes().get(0);
    Map<String, String> settings = NodeAgents.settings(federation, cluster, node);
    Path credentials = NodeAgents.credentials(bed, federation, cluster, node);
    try (AgentProcess agent =
        AgentProcess.start(credentials, bed.dir().resolve("agents"), settings)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                ComputeNode cn = computeNode(cluster, node);
                assertThat(condition(cn, "Registered")).isEqualTo("True/Registered");
                assertThat(condition(cn, "Available")).isEqualTo("True/HeartbeatFresh");
                assertThat(condition(cn, "Verified")).isEqualTo("True/MeasuredAsListed");
              });
      // The member's scheduler sees the verdict as labels on its Node.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          bed.client(cluster)
                              .nodes()
                              .withName(node)
                              .get()
                              .getMetadata()
                              .getLabels())
                      .containsEntry("aifabric.io/verified", "true")
                      .containsEntry("aifabric.io/available", "true"));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                AIJob now = federation.get(done);
                assertThat(now.getStatus().getReceiptCount()).isEqualTo(1);
                assertThat(Federation.condition(now, "Receipted"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              });
      // The safe default: only Verified and Available nodes get work. Of the test bed's 40 GPU
      // nodes this agent's is the only one proven: a job its model can run is placed (on its
      // member; which node of that model runs the pod is the member's default scheduler's choice
      // here), and one that needs a model no proven node has waits, saying why.
      federation.operator.restartWith(Map.of("AIFABRIC_PLACEMENT_UNVERIFIED_NODES", "false"));
      AIJob proven =
          federation.awaitPhase(
              federation.create(Federation.exampleJob("20-aijob-inference.yaml", ns, "proven-1")),
              JobPhase.Succeeded,
              Duration.ofSeconds(90));
      assertThat(proven.getStatus().getPlacement().getCluster()).isEqualTo(cluster);
      AIJob elsewhere = Federation.exampleJob("20-aijob-inference.yaml", ns, "unproven-1");
      elsewhere.getSpec().getResources().setGpuModels(java.util.List.of("NVIDIA-H100-80GB-HBM3"));
      federation.create(elsewhere);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(Federation.condition(federation.get(elsewhere), "Placed"))
                      .hasValueSatisfying(
                          c ->
                              assertThat(c.getMessage())
                                  .contains("member-a: no Verified and Available GPU node")));
      assertThat(federation.get(elsewhere).getStatus().getPlacement()).isNull();

      // The agent never logs a private key: its key file's secp256k1 entry is nowhere in its log.
      String keyFile = Files.readString(Path.of(settings.get("AIFABRIC_AGENT_KEY_FILE")));
      String secret = keyFile.replaceAll("(?s).*\"secp256k1\"\\s*:\\s*\"(0x[0-9a-f]+)\".*", "$1");
      assertThat(secret).startsWith("0x").hasSize(66);
      assertThat(Files.readString(agent.log())).doesNotContain(secret.substring(2));
    } finally {
      bed.client(cluster)
          .nodes()
          .withName(node)
          .edit(
              n -> {
                n.getMetadata().getAnnotations().remove(RegistrationCodec.ANNOTATION);
                return n;
              });
    }
  }

  private static ComputeNode computeNode(String cluster, String node) {
    return federation.host.resources(ComputeNode.class).withName(cluster + "." + node).get();
  }

  private static String condition(ComputeNode cn, String type) {
    if (cn == null || cn.getStatus() == null) {
      return "none";
    }
    return cn.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .map(c -> c.getStatus() + "/" + c.getReason())
        .orElse("none");
  }
}
