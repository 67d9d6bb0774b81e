package io.aifabric.memberagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeReportsTest {
  @Test
  void aGpuNodeIsReportedWithItsLabelsOnlyOurAnnotationsAndTheGpusPodsHold() {
    Node node =
        new NodeBuilder()
            .withNewMetadata()
            .withName("gpu-0")
            .withLabels(Map.of("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3"))
            .withAnnotations(
                Map.of(
                    "aifabric.io/registration", "signed",
                    "example.com/internal-address", "10.0.0.7"))
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(true)
            .endSpec()
            .withNewStatus()
            .withCapacity(Map.of("nvidia.com/gpu", new Quantity("8"), "cpu", new Quantity("96")))
            .withAllocatable(Map.of("nvidia.com/gpu", new Quantity("7")))
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    List<Pod> pods =
        List.of(pod("job-a", "uid-a", 4), pod("job-a-2", "uid-a", 2), pod("other", null, 1));

    var report = NodeReports.of(node, pods).orElseThrow();

    assertThat(report.getLabels()).containsEntry("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    assertThat(report.getAnnotations()).containsOnlyKeys("aifabric.io/registration");
    assertThat(report.getCapacity()).containsEntry("nvidia.com/gpu", "8");
    assertThat(report.getAllocatable()).containsEntry("nvidia.com/gpu", "7");
    assertThat(report.isReady()).isTrue();
    assertThat(report.isUnschedulable()).isTrue();
    assertThat(report.getGpusInUseByJob()).isEqualTo(Map.of("uid-a", 6));
    assertThat(report.getGpusInUseByOthers()).isEqualTo(1);
  }

  @Test
  void aNodeWithoutGpusIsNotReported() {
    Node cpu =
        new NodeBuilder()
            .withNewMetadata()
            .withName("cpu-0")
            .endMetadata()
            .withNewStatus()
            .withCapacity(Map.of("cpu", new Quantity("8")))
            .endStatus()
            .build();
    assertThat(NodeReports.of(cpu, List.of())).isEmpty();
  }

  @Test
  void whatChangedBetweenTwoReportsIsNamed() {
    Node node = gpuNode();
    var busy = NodeReports.of(node, List.of(pod("job-a", "uid-a", 4))).orElseThrow();
    var idle = NodeReports.of(node, List.of()).orElseThrow();

    assertThat(NodeReports.differences(busy, idle)).containsExactly("gpusInUseByJob");
    assertThat(NodeReports.differences(idle, idle)).isEmpty();
    assertThat(NodeReports.differences(null, idle)).containsExactly("everything");
  }

  private static Node gpuNode() {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("gpu-0")
        .endMetadata()
        .withNewStatus()
        .withCapacity(Map.of("nvidia.com/gpu", new Quantity("8")))
        .endStatus()
        .build();
  }

  private static Pod pod(String name, String jobUid, int gpus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(jobUid == null ? Map.of() : Map.of("aifabric.io/job-uid", jobUid))
        .endMetadata()
        .withNewSpec()
        .withNodeName("gpu-0")
        .addNewContainer()
        .withName("main")
        .withNewResources()
        .withLimits(Map.of("nvidia.com/gpu", new Quantity(String.valueOf(gpus))))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }
}
