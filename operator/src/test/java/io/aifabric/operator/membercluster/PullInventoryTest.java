package io.aifabric.operator.membercluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportSpec;
import io.aifabric.api.v1alpha1.nodereport.NodeReportStatus;
import io.aifabric.contract.NodeLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PullInventoryTest {
  @Test
  void aReportedNodeGivesTheInventoryThePushProbeReadsFromTheNodeItself() {
    Map<String, String> labels =
        Map.of(
            "nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3",
            "nvidia.com/gpu.memory", "81559",
            "nvidia.com/cuda.driver.major", "550",
            "aifabric.io/tier", "2");
    Map<String, String> annotations = Map.of("aifabric.io/registration", "signed-registration");
    Node asPushSeesIt =
        new NodeBuilder()
            .withNewMetadata()
            .withName("gpu-0")
            .withLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withUnschedulable(true)
            .endSpec()
            .withNewStatus()
            .withCapacity(Map.of("nvidia.com/gpu", new Quantity("8")))
            .withAllocatable(Map.of("nvidia.com/gpu", new Quantity("6")))
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    NodeReportSpec report = new NodeReportSpec();
    report.setLabels(labels);
    report.setAnnotations(annotations);
    report.setCapacity(Map.of("nvidia.com/gpu", "8"));
    report.setAllocatable(Map.of("nvidia.com/gpu", "6"));
    report.setReady(true);
    report.setUnschedulable(true);

    var pulled = GpuNodeInventory.of(PullInventory.node("gpu-0", report(report))).orElseThrow();

    assertThat(pulled).isEqualTo(GpuNodeInventory.of(asPushSeesIt).orElseThrow());
    assertThat(pulled.capacity()).isEqualTo(8);
    assertThat(pulled.allocatable()).isEqualTo(6);
    assertThat(pulled.registration()).isEqualTo("signed-registration");
    assertThat(pulled.schedulable()).isFalse();
  }

  @Test
  void aNodeReportedNotReadyIsNotReady() {
    NodeReportSpec report = new NodeReportSpec();
    report.setCapacity(Map.of("nvidia.com/gpu", "1"));
    assertThat(
            GpuNodeInventory.of(PullInventory.node("gpu-1", report(report))).orElseThrow().ready())
        .isFalse();
  }

  /**
   * What the host put in a report's status is the node's as far as the operator is concerned (its
   * agent copies it onto the Node): a verdict or certificate is not decided again while the report
   * catches up; a network label the status no longer carries is gone.
   */
  @Test
  void theMarksTheHostGaveANodeCountAsOnIt() {
    NodeReportSpec spec = new NodeReportSpec();
    spec.setCapacity(Map.of("nvidia.com/gpu", "1"));
    spec.setLabels(
        Map.of(
            NodeLabels.VERIFIED,
            "unknown",
            NodeLabels.TIER,
            "1",
            "nvidia.com/gpu.product",
            "NVIDIA-H100-80GB-HBM3"));
    NodeReport report = report(spec);
    report.setStatus(new NodeReportStatus());
    report.getStatus().getLabels().put(NodeLabels.VERIFIED, "true");
    report.getStatus().getLabels().put(NodeLabels.AVAILABLE, "true");
    report.getStatus().getAnnotations().put(NodeLabels.BROKER_CERTIFICATE, "pem");

    var node = GpuNodeInventory.of(PullInventory.node("gpu-2", report)).orElseThrow();

    assertThat(node.aifabricLabels())
        .containsEntry(NodeLabels.VERIFIED, "true")
        .containsEntry(NodeLabels.AVAILABLE, "true")
        .doesNotContainKey(NodeLabels.TIER);
    assertThat(node.product()).isEqualTo("NVIDIA-H100-80GB-HBM3");
    assertThat(node.brokerCertificate()).isEqualTo("pem");
  }

  private static NodeReport report(NodeReportSpec spec) {
    NodeReport report = new NodeReport();
    report.setSpec(spec);
    return report;
  }
}
