package io.aifabric.operator.membercluster;

import java.util.List;
import java.util.Map;

/**
 * What one probe of a member found: its version, its GPU nodes, and the GPUs in use on each.
 *
 * @param usageByNode GPUs requested by pods that are bound to a node and not finished
 */
public record MemberInventory(
    String kubernetesVersion,
    int nodeCount,
    List<GpuNodeInventory> gpuNodes,
    Map<String, NodeUsage> usageByNode) {

  /** GPUs in use on one node: by aifabric jobs (by job UID) and by everything else. */
  public record NodeUsage(int byOthers, Map<String, Integer> byJob) {
    public int total() {
      return byOthers + byJob.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  public NodeUsage usage(String node) {
    return usageByNode.getOrDefault(node, new NodeUsage(0, Map.of()));
  }
}
