package io.aifabric.operator.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a gang of replicas, each needing {@code gpusPerReplica} GPUs on one node, onto nodes with
 * free GPUs. Best fit: the fullest nodes first, so that emptier nodes stay whole for larger gangs.
 */
final class GangFit {
  private GangFit() {}

  /** A node that may take replicas, with the GPUs still free on it. */
  record FreeNode(String name, int free, int allocatable, int availabilityScore) {}

  /** Replicas placed per node, or how many could be placed when not all fit. */
  record Result(Map<String, Integer> gpusByNode, int replicasPlaced) {
    boolean fits(int replicas) {
      return replicasPlaced >= replicas;
    }
  }

  static Result fit(List<FreeNode> nodes, int replicas, int gpusPerReplica) {
    List<FreeNode> byFree = new ArrayList<>(nodes);
    byFree.removeIf(n -> n.free() < gpusPerReplica);
    byFree.sort(Comparator.comparingInt(FreeNode::free).thenComparing(FreeNode::name));
    Map<String, Integer> plan = new LinkedHashMap<>();
    int placed = 0;
    for (FreeNode node : byFree) {
      int slots = node.free() / gpusPerReplica;
      int take = Math.min(slots, replicas - placed);
      if (take > 0) {
        plan.put(node.name(), take * gpusPerReplica);
        placed += take;
      }
      if (placed == replicas) {
        break;
      }
    }
    return new Result(plan, placed);
  }
}
