package io.aifabric.extender;

import io.aifabric.extender.wire.HostPriority;
import java.util.ArrayList;
import java.util.List;

/**
 * The prioritize decision, 0–10 per node: pack GPUs (prefer the node the pod leaves fullest, so
 * whole nodes stay free for large pods), prefer higher availability scores, and lower prices (per
 * GPU-hour, where known). The weights are configurable; a weight of 0 turns a criterion off.
 */
public final class GpuPrioritizer {
  public record Weights(int packing, int availability, int price) {
    public static final Weights DEFAULT = new Weights(2, 1, 1);
  }

  private final Weights weights;

  public GpuPrioritizer(Weights weights) {
    if (weights.packing() < 0 || weights.availability() < 0 || weights.price() < 0) {
      throw new IllegalArgumentException("weights must not be negative: " + weights);
    }
    if (weights.packing() + weights.availability() + weights.price() == 0) {
      throw new IllegalArgumentException("at least one weight must be positive");
    }
    this.weights = weights;
  }

  /** Scores the nodes in order; a node without a price counts as the middle of the range. */
  public List<HostPriority> prioritize(GpuRequest pod, List<NodeGpus> nodes) {
    double cheapest = Double.MAX_VALUE;
    double dearest = -Double.MAX_VALUE;
    for (NodeGpus node : nodes) {
      if (node.pricePerGpuHour() != null) {
        cheapest = Math.min(cheapest, node.pricePerGpuHour());
        dearest = Math.max(dearest, node.pricePerGpuHour());
      }
    }
    int total = weights.packing() + weights.availability() + weights.price();
    List<HostPriority> scores = new ArrayList<>(nodes.size());
    for (NodeGpus node : nodes) {
      double packing =
          node.allocatable() == 0
              ? 0
              : 1.0 - Math.max(0, node.free() - pod.count()) / (double) node.allocatable();
      double availability = node.availabilityScore() / 255.0;
      Double price = node.pricePerGpuHour();
      double cheapness =
          price == null || dearest == cheapest ? 0.5 : (dearest - price) / (dearest - cheapest);
      double weighted =
          (weights.packing() * packing
                  + weights.availability() * availability
                  + weights.price() * cheapness)
              / total;
      long score = Math.round(weighted * HostPriority.MAX);
      scores.add(
          new HostPriority(
              node.wireName(), Math.max(HostPriority.MIN, Math.min(HostPriority.MAX, score))));
    }
    return scores;
  }
}
