package io.aifabric.extender;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A node as the extender judges it: its GPUs (GPU Feature Discovery's model label, allocatable
 * {@code nvidia.com/gpu}), how many of them pods bound or reserved there hold, and the network's
 * verdict the operator writes as labels ({@code aifabric.io/verified}, {@code available}, {@code
 * availability-score}, {@code tier}).
 */
public record NodeGpus(
    String name,
    String product,
    int allocatable,
    int inUse,
    boolean verified,
    boolean available,
    int availabilityScore,
    int tier) {
  public static final String VERIFIED = "aifabric.io/verified";
  public static final String AVAILABLE = "aifabric.io/available";
  public static final String SCORE = "aifabric.io/availability-score";
  public static final String TIER = "aifabric.io/tier";

  public static NodeGpus of(Node node, int inUse) {
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    Map<String, Quantity> allocatable =
        node.getStatus() == null || node.getStatus().getAllocatable() == null
            ? Map.of()
            : node.getStatus().getAllocatable();
    Quantity gpus = allocatable.get(GpuRequest.GPU);
    return new NodeGpus(
        node.getMetadata().getName(),
        labels.get(GpuRequest.PRODUCT),
        gpus == null ? 0 : gpus.getNumericalAmount().intValue(),
        inUse,
        "true".equals(labels.get(VERIFIED)),
        "true".equals(labels.get(AVAILABLE)),
        integer(labels.get(SCORE)),
        integer(labels.get(TIER)));
  }

  private static int integer(String label) {
    try {
      return label == null ? 0 : Integer.parseInt(label);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  public int free() {
    return Math.max(0, allocatable - inUse);
  }
}
