package io.aifabric.agent.receipt;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Keccak256;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.seal.SealReport;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptMakerTest {
  final NodeKey key = NodeKey.generate(new SecureRandom());

  Pod pod() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/pods/succeeded-replica.json")) {
      return Serialization.unmarshal(in);
    }
  }

  @Test
  void anEndedReplicaBecomesItsReceipt() throws Exception {
    var receipt = ReceiptMaker.fromPod(pod(), key.address()).orElseThrow();
    assertThat(receipt.jobUid()).isEqualTo("3f2a1b9c-77aa-4e1b-9c0d-5e6f7a8b9c0d");
    assertThat(receipt.replica()).isEqualTo(1);
    assertThat(receipt.gpuSeconds()).as("one hour on 8 GPUs").isEqualTo(8 * 3600);
    assertThat(receipt.exitCode()).isZero();
    assertThat(Hex.encode(receipt.outputDigest()))
        .isEqualTo("0x9c22ff5f21f0b81b113e63f7db6da94fedef11b2119b4088b89664fb9a3cb658");
  }

  @Test
  void aRunningReplicaHasNoReceiptYet() throws Exception {
    Pod running = pod();
    running.getStatus().getContainerStatuses().get(0).getState().setTerminated(null);
    assertThat(ReceiptMaker.fromPod(running, key.address())).isEmpty();
  }

  @Test
  void aPodThatIsNoJobsHasNone() throws Exception {
    Pod other = pod();
    other.getMetadata().getLabels().remove("aifabric.io/job-uid");
    assertThat(ReceiptMaker.fromPod(other, key.address())).isEmpty();
  }

  @Test
  void aMessageThatIsNoDigestIsDigested() {
    assertThat(ReceiptMaker.outputDigest("wrote 3 files"))
        .isEqualTo(Keccak256.hash("wrote 3 files".getBytes()));
  }

  /** The pod of a job with sealed outputs: its sealing sidecar, still running or ended. */
  Pod sealedPod(String sidecarMessage) throws Exception {
    Pod pod = pod();
    pod.getSpec()
        .getInitContainers()
        .add(
            new ContainerBuilder()
                .withName("seal")
                .withImage("sealer")
                .withRestartPolicy("Always")
                .build());
    ContainerStatus sidecar =
        new ContainerStatusBuilder()
            .withName("seal")
            .withNewState()
            .withNewRunning()
            .endRunning()
            .endState()
            .build();
    if (sidecarMessage != null) {
      sidecar.getState().setRunning(null);
      sidecar
          .getState()
          .setTerminated(
              new ContainerStateTerminatedBuilder()
                  .withExitCode(0)
                  .withMessage(sidecarMessage)
                  .build());
    }
    pod.getStatus().setInitContainerStatuses(new ArrayList<>(List.of(sidecar)));
    return pod;
  }

  @Test
  void aSealedReplicasReceiptWaitsForItsSidecarAndNamesTheSealedOutput() throws Exception {
    assertThat(ReceiptMaker.fromPod(sealedPod(null), key.address()))
        .as("the job's container ended, the sidecar is still sealing")
        .isEmpty();

    byte[] address = new byte[32];
    address[0] = 42;
    SealReport report = new SealReport(address, 1_048_643, 1_048_576, 2);
    var receipt = ReceiptMaker.fromPod(sealedPod(report.toJson()), key.address()).orElseThrow();

    assertThat(receipt.sealed()).isTrue();
    assertThat(receipt.outputDigest()).isEqualTo(address);
    assertThat(receipt.sealedBytes()).isEqualTo(1_048_643);
    assertThat(receipt.gpuSeconds())
        .as("the job's own time, not the sidecar's")
        .isEqualTo(8 * 3600);
  }

  @Test
  void aSidecarThatEndedWithoutAReportGivesAReceiptWithNoOutput() throws Exception {
    var receipt =
        ReceiptMaker.fromPod(sealedPod("sealing failed: the store answered 403"), key.address())
            .orElseThrow();
    assertThat(receipt.sealed()).isTrue();
    assertThat(receipt.sealedBytes()).isZero();
    assertThat(receipt.outputDigest()).isEqualTo(new byte[32]);
  }

  @Test
  void aJobWithoutTheSidecarSaysItsOutputIsNotSealed() throws Exception {
    assertThat(ReceiptMaker.fromPod(pod(), key.address()).orElseThrow().sealed()).isFalse();
  }
}
