package io.aifabric.operator.placement;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A member cluster as placement sees it: where it is, who runs it (the provider's wallet, paid by
 * escrow deposits), what it charges, whether it has an object store for sealed outputs, and its GPU
 * nodes.
 */
public record ClusterView(
    String name,
    String provider,
    String region,
    Map<String, String> labels,
    boolean ready,
    Map<String, BigDecimal> pricePerGpuHour,
    boolean storesOutputs,
    List<GpuNodeView> nodes) {

  public ClusterView {
    labels = Map.copyOf(labels);
    pricePerGpuHour = Map.copyOf(pricePerGpuHour);
    nodes = List.copyOf(nodes);
  }

  /** The same cluster, Ready or not. */
  public ClusterView withReady(boolean ready) {
    return new ClusterView(
        name, provider, region, labels, ready, pricePerGpuHour, storesOutputs, nodes);
  }
}
