package io.aifabric.operator.membercluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemberProbeTest {

  @Test
  void transportFailuresAreUnreachable() {
    var refused = new KubernetesClientException("connect", new IOException("Connection refused"));
    ProbeFailure failure = MemberProbe.classify(refused);
    assertThat(failure.reason()).isEqualTo("Unreachable");
    assertThat(failure.reachable()).isFalse();
    assertThat(failure.getMessage()).contains("Connection refused");
  }

  @Test
  void httpStatusesSayWhatToFix() {
    assertThat(MemberProbe.classify(new KubernetesClientException("x", 401, null)).reason())
        .isEqualTo("Unauthorized");
    ProbeFailure forbidden = MemberProbe.classify(new KubernetesClientException("x", 403, null));
    assertThat(forbidden.reason()).isEqualTo("Forbidden");
    assertThat(forbidden.getMessage())
        .contains("grant the kubeconfig's user get/list/watch on nodes and pods");
    assertThat(forbidden.reachable()).isTrue();
    assertThat(MemberProbe.classify(new KubernetesClientException("x", 500, null)).reason())
        .isEqualTo("ProbeFailed");
  }

  @Test
  void usageSeparatesAifabricJobsFromOtherPods() {
    List<Pod> pods =
        List.of(
            pod("a", "gpu-0", 2, null),
            pod("b", "gpu-0", 4, "uid-1"),
            pod("c", "gpu-1", 1, "uid-1"),
            pod("pending", null, 8, null),
            pod("cpu-only", "gpu-1", 0, null));
    var usage = MemberProbe.usage(pods);
    assertThat(usage.get("gpu-0").byOthers()).isEqualTo(2);
    assertThat(usage.get("gpu-0").byJob()).containsExactly(Map.entry("uid-1", 4));
    assertThat(usage.get("gpu-0").total()).isEqualTo(6);
    assertThat(usage.get("gpu-1").byOthers()).isZero();
    assertThat(usage.get("gpu-1").byJob()).containsExactly(Map.entry("uid-1", 1));
  }

  @Test
  void gpuInventoryComesFromGpuFeatureDiscoveryLabels() {
    var node =
        new NodeBuilder()
            .withNewMetadata()
            .withName("gpu-h100-00")
            .addToLabels("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
            .addToLabels("nvidia.com/gpu.memory", "81559")
            .addToLabels("nvidia.com/cuda.driver.major", "550")
            .addToLabels("nvidia.com/cuda.driver.minor", "127")
            .addToLabels("nvidia.com/cuda.driver.rev", "05")
            .addToLabels("nvidia.com/cuda.runtime.major", "12")
            .addToLabels("nvidia.com/cuda.runtime.minor", "4")
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(true)
            .endSpec()
            .withNewStatus()
            .addToCapacity("nvidia.com/gpu", new Quantity("8"))
            .addToAllocatable("nvidia.com/gpu", new Quantity("7"))
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    GpuNodeInventory inv = GpuNodeInventory.of(node).orElseThrow();
    assertThat(inv.product()).isEqualTo("NVIDIA-H100-80GB-HBM3");
    assertThat(inv.memoryMiB()).isEqualTo(81559);
    assertThat(inv.capacity()).isEqualTo(8);
    assertThat(inv.allocatable()).isEqualTo(7);
    assertThat(inv.driverVersion()).isEqualTo("550.127.05");
    assertThat(inv.cudaVersion()).isEqualTo("12.4");
    assertThat(inv.ready()).isTrue();
    assertThat(inv.schedulable()).as("cordoned").isFalse();
  }

  @Test
  void aNodeWithoutGpusHasNoInventory() {
    var node =
        new NodeBuilder()
            .withNewMetadata()
            .withName("cpu-0")
            .endMetadata()
            .withNewStatus()
            .addToCapacity("cpu", new Quantity("32"))
            .endStatus()
            .build();
    assertThat(GpuNodeInventory.of(node)).isEmpty();
  }

  private static Pod pod(String name, String node, int gpus, String jobUid) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .addNewContainer()
            .withName("main")
            .withNewResources()
            .endResources()
            .endContainer()
            .endSpec();
    if (jobUid != null) {
      builder.editMetadata().addToLabels(MemberProbe.JOB_UID_LABEL, jobUid).endMetadata();
    }
    Pod pod = builder.build();
    if (gpus > 0) {
      pod.getSpec()
          .getContainers()
          .get(0)
          .getResources()
          .setLimits(Map.of("nvidia.com/gpu", new Quantity(String.valueOf(gpus))));
    }
    return pod;
  }
}
