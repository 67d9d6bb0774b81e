package io.aifabric.operator.placement;

import java.math.BigDecimal;
import java.util.Map;
import java.util.SortedMap;

/** The outcome of placing one job. */
public sealed interface Placement {

  /**
   * The job goes to {@code cluster}; its replicas fit on {@code gpusByNode} (a plan: the member's
   * scheduler binds the pods), at {@code pricePerGpuHour} for {@code gpuModel}.
   */
  record Placed(
      String cluster, String gpuModel, BigDecimal pricePerGpuHour, Map<String, Integer> gpusByNode)
      implements Placement {
    public Placed {
      gpusByNode = Map.copyOf(gpusByNode);
    }
  }

  /** No cluster fits; why, cluster by cluster (sorted by name, for stable messages). */
  record Unplaceable(SortedMap<String, String> reasonsByCluster) implements Placement {
    public String message() {
      if (reasonsByCluster.isEmpty()) {
        return "no member cluster has joined the network";
      }
      StringBuilder b = new StringBuilder("no member cluster fits: ");
      reasonsByCluster.forEach((c, r) -> b.append(c).append(": ").append(r).append("; "));
      return b.substring(0, b.length() - 2);
    }
  }
}
