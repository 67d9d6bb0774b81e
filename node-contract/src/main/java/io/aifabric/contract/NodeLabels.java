package io.aifabric.contract;

import java.util.Map;
import java.util.Set;

/**
 * The contract on a member's GPU Nodes that the operator writes and the scheduler extender reads,
 * in one place: GPU Feature Discovery's labels (what the hardware is), the labels the operator puts
 * on a node from its ComputeNode (what the network proved of it), and the GPU resource and pod
 * annotation a dispatched job's pods carry.
 */
public final class NodeLabels {
  /** The extended resource GPUs are requested and allocated as. */
  public static final String GPU_RESOURCE = "nvidia.com/gpu";

  /** GPU Feature Discovery: the GPU model, e.g. NVIDIA-H100-80GB-HBM3. */
  public static final String GFD_PRODUCT = "nvidia.com/gpu.product";

  /** GPU Feature Discovery: memory per GPU, in MiB. */
  public static final String GFD_MEMORY = "nvidia.com/gpu.memory";

  /** Written by the operator: "true" when the node's hardware report matched its listing. */
  public static final String VERIFIED = "aifabric.io/verified";

  /** Written by the operator: "true" while the node's signed heartbeats arrive. */
  public static final String AVAILABLE = "aifabric.io/available";

  /** Written by the operator: the node's availability score of its last epoch, 0–255. */
  public static final String SCORE = "aifabric.io/availability-score";

  /** Written by the operator: the node's tier, 0–3, from its provider's stake on chain. */
  public static final String TIER = "aifabric.io/tier";

  /**
   * Written by the operator once the node's registration is recorded: the node agent's broker
   * client certificate (PEM; public), which the agent presents to the network's MQTT broker.
   */
  public static final String BROKER_CERTIFICATE = "aifabric.io/broker-certificate";

  /**
   * The labels the network owns on a member's Node: what it proved of the node. A pull member's
   * agent copies these, and only these, from the host onto its Nodes.
   */
  public static final Set<String> NETWORK_LABELS = Set.of(VERIFIED, AVAILABLE, SCORE, TIER);

  /** The annotations the network owns on a member's Node (a pull member's agent copies them). */
  public static final Set<String> NETWORK_ANNOTATIONS = Set.of(BROKER_CERTIFICATE);

  /**
   * The provider's price per GPU-hour on this node, where it sets one (a decimal number). Nodes of
   * one member usually share the member's price; this lets a provider price racks differently.
   */
  public static final String PRICE = "aifabric.io/price-per-gpu-hour";

  /** On a dispatched job's pods: the least GPU memory (MiB) a node must have for it. */
  public static final String MIN_GPU_MEMORY_ANNOTATION = "aifabric.io/min-gpu-memory-mib";

  private NodeLabels() {}

  /** GPU Feature Discovery's memory per GPU, MiB; 0 when the label is missing or not a number. */
  public static int gpuMemoryMiB(Map<String, String> labels) {
    return wholeNumber(labels.get(GFD_MEMORY));
  }

  /** A label's whole-number value; 0 when it is missing or not a number. */
  public static int wholeNumber(String label) {
    try {
      return label == null ? 0 : Integer.parseInt(label);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
