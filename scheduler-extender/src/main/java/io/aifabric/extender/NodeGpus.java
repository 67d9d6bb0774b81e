package io.aifabric.extender;

import io.aifabric.contract.NodeLabels;
import io.aifabric.extender.wire.JsonString;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A node as the extender judges it: its GPUs (GPU Feature Discovery's model label, allocatable
 * {@code nvidia.com/gpu}), how many of them pods bound or reserved there hold, and the network's
 * verdict the operator writes as labels ({@code aifabric.io/verified}, {@code available}, {@code
 * availability-score}, {@code tier}). {@code wireName} is the name as answers carry it, encoded
 * once when the node enters the cache.
 */
public record NodeGpus(
    String name,
    String product,
    int allocatable,
    int inUse,
    boolean verified,
    boolean available,
    int availabilityScore,
    int tier,
    int memoryMiB,
    Double pricePerGpuHour,
    JsonString wireName) {
  public NodeGpus(
      String name,
      String product,
      int allocatable,
      int inUse,
      boolean verified,
      boolean available,
      int availabilityScore,
      int tier,
      int memoryMiB,
      Double pricePerGpuHour) {
    this(
        name,
        product,
        allocatable,
        inUse,
        verified,
        available,
        availabilityScore,
        tier,
        memoryMiB,
        pricePerGpuHour,
        JsonString.of(name));
  }

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
        "true".equals(labels.get(NodeLabels.VERIFIED)),
        "true".equals(labels.get(NodeLabels.AVAILABLE)),
        NodeLabels.wholeNumber(labels.get(NodeLabels.SCORE)),
        NodeLabels.wholeNumber(labels.get(NodeLabels.TIER)),
        NodeLabels.gpuMemoryMiB(labels),
        price(labels.get(NodeLabels.PRICE)));
  }

  private static Double price(String label) {
    try {
      double price = label == null ? Double.NaN : Double.parseDouble(label);
      return Double.isFinite(price) && price >= 0 ? price : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The same node with another count of GPUs held by pods bound or reserved there. */
  public NodeGpus withInUse(int gpusInUse) {
    return gpusInUse == inUse
        ? this
        : new NodeGpus(
            name,
            product,
            allocatable,
            gpusInUse,
            verified,
            available,
            availabilityScore,
            tier,
            memoryMiB,
            pricePerGpuHour,
            wireName);
  }

  public int free() {
    return Math.max(0, allocatable - inUse);
  }
}
