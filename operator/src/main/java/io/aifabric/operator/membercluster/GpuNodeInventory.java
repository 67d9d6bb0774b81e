package io.aifabric.operator.membercluster;

import io.aifabric.contract.NodeLabels;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.protocol.chain.SignedChainRegistration;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.Optional;

/**
 * What a member's Node says about its GPUs: nvidia.com/gpu capacity, and GPU Feature Discovery's
 * labels for the model, memory, driver and CUDA versions; and the node agent's signed registration
 * of its keys, if it has put one on the Node.
 */
public record GpuNodeInventory(
    String nodeName,
    String product,
    int memoryMiB,
    int capacity,
    int allocatable,
    String driverVersion,
    String cudaVersion,
    boolean ready,
    boolean unschedulable,
    String registration,
    String chainRegistration,
    String brokerCertificate,
    Map<String, String> aifabricLabels) {

  public static final String GPU_RESOURCE = NodeLabels.GPU_RESOURCE;

  /** The node's GPU inventory, or empty for a node without GPUs. */
  public static Optional<GpuNodeInventory> of(Node node) {
    int capacity = gpus(node.getStatus() == null ? null : node.getStatus().getCapacity());
    if (capacity == 0) {
      return Optional.empty();
    }
    Map<String, String> labels =
        node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
    boolean ready =
        node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    return Optional.of(
        new GpuNodeInventory(
            node.getMetadata().getName(),
            labels.getOrDefault(NodeLabels.GFD_PRODUCT, "unknown"),
            NodeLabels.gpuMemoryMiB(labels),
            capacity,
            gpus(node.getStatus().getAllocatable()),
            version(
                labels,
                "nvidia.com/cuda.driver.major",
                "nvidia.com/cuda.driver.minor",
                "nvidia.com/cuda.driver.rev"),
            version(labels, "nvidia.com/cuda.runtime.major", "nvidia.com/cuda.runtime.minor", null),
            ready,
            Boolean.TRUE.equals(node.getSpec() == null ? null : node.getSpec().getUnschedulable()),
            node.getMetadata().getAnnotations() == null
                ? null
                : node.getMetadata().getAnnotations().get(RegistrationCodec.ANNOTATION),
            node.getMetadata().getAnnotations() == null
                ? null
                : node.getMetadata().getAnnotations().get(SignedChainRegistration.ANNOTATION),
            node.getMetadata().getAnnotations() == null
                ? null
                : node.getMetadata().getAnnotations().get(BrokerCertificates.ANNOTATION),
            aifabricLabels(labels)));
  }

  /** The labels aifabric itself puts on the Node (aifabric.io/...). */
  private static Map<String, String> aifabricLabels(Map<String, String> labels) {
    Map<String, String> ours = new java.util.HashMap<>();
    labels.forEach(
        (k, v) -> {
          if (k.startsWith("aifabric.io/")) {
            ours.put(k, v);
          }
        });
    return Map.copyOf(ours);
  }

  public boolean schedulable() {
    return ready && !unschedulable;
  }

  static int gpus(Map<String, Quantity> resources) {
    if (resources == null || !resources.containsKey(GPU_RESOURCE)) {
      return 0;
    }
    return resources.get(GPU_RESOURCE).getNumericalAmount().intValue();
  }

  private static int parseInt(String value) {
    try {
      return value == null ? 0 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String version(
      Map<String, String> labels, String major, String minor, String rev) {
    if (!labels.containsKey(major)) {
      return null;
    }
    String v = labels.get(major) + "." + labels.getOrDefault(minor, "0");
    return rev != null && labels.containsKey(rev) ? v + "." + labels.get(rev) : v;
  }
}
