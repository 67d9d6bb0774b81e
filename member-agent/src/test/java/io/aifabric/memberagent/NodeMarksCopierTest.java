package io.aifabric.memberagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.nodereport.NodeReportStatus;
import io.aifabric.contract.NodeLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeMarksCopierTest {
  @Test
  void theNetworksVerdictAndCertificateGoOnTheNodeAndAVerdictLabelItNoLongerGivesGoes() {
    Node node =
        node(
            Map.of(
                NodeLabels.VERIFIED,
                "unknown",
                NodeLabels.TIER,
                "1",
                "nvidia.com/gpu.product",
                "NVIDIA-H100-80GB-HBM3"),
            Map.of("aifabric.io/registration", "signed"));
    NodeReportStatus marks = new NodeReportStatus();
    marks.getLabels().put(NodeLabels.VERIFIED, "true");
    marks.getLabels().put(NodeLabels.AVAILABLE, "true");
    marks.getAnnotations().put(NodeLabels.BROKER_CERTIFICATE, "pem");

    var patch = NodeMarksCopier.patch(node, marks);

    Map<String, String> labels = new HashMap<>();
    labels.put(NodeLabels.VERIFIED, "true");
    labels.put(NodeLabels.AVAILABLE, "true");
    labels.put(NodeLabels.TIER, null);
    assertThat(patch.get("labels")).isEqualTo(labels);
    assertThat(patch.get("annotations")).isEqualTo(Map.of(NodeLabels.BROKER_CERTIFICATE, "pem"));
  }

  /** A host that asks for more than the network's own keys gets none of the rest written. */
  @Test
  void onlyTheNetworksOwnKeysAreEverWritten() {
    Node node = node(Map.of("node-role.kubernetes.io/gpu", "true"), Map.of());
    NodeReportStatus marks = new NodeReportStatus();
    marks.getLabels().put("node-role.kubernetes.io/gpu", "false");
    marks.getLabels().put("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3");
    marks.getAnnotations().put("aifabric.io/registration", "forged");

    var patch = NodeMarksCopier.patch(node, marks);

    assertThat(patch.getOrDefault("labels", Map.of()))
        .allSatisfy((k, v) -> assertThat(NodeLabels.NETWORK_LABELS).contains(k));
    assertThat(patch).doesNotContainKey("annotations");
  }

  @Test
  void aNodeThatCarriesTheMarksAlreadyIsNotWritten() {
    Node node =
        node(
            Map.of(NodeLabels.VERIFIED, "true", NodeLabels.AVAILABLE, "false"),
            Map.of(NodeLabels.BROKER_CERTIFICATE, "pem"));
    NodeReportStatus marks = new NodeReportStatus();
    marks.getLabels().put(NodeLabels.VERIFIED, "true");
    marks.getLabels().put(NodeLabels.AVAILABLE, "false");
    marks.getAnnotations().put(NodeLabels.BROKER_CERTIFICATE, "pem");

    assertThat(NodeMarksCopier.patch(node, marks)).isEmpty();
    // Nor while the operator has said nothing yet.
    assertThat(NodeMarksCopier.patch(node, new NodeReportStatus())).isEmpty();
  }

  private static Node node(Map<String, String> labels, Map<String, String> annotations) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName("gpu-0")
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .build();
  }
}
