package io.aifabric.extender;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The filter decision: which nodes may take the pod, and for each one that may not, why. A node
 * whose hardware can never fit the pod (no GPUs, another model, fewer GPUs than it asks for) is
 * unresolvable, so that preemption does not evict pods there for nothing; everything that can
 * change (verification, heartbeats, score, tier, GPUs held by other pods) is resolvable.
 */
public final class GpuFilter {
  private GpuFilter() {}

  public record Result(
      List<String> fit, Map<String, String> failed, Map<String, String> unresolvable) {}

  public static Result filter(GpuRequest pod, List<NodeGpus> nodes, FilterPolicy policy) {
    List<String> fit = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    Map<String, String> unresolvable = new LinkedHashMap<>();
    for (NodeGpus node : nodes) {
      Optional<String> never = neverFits(pod, node);
      if (never.isPresent()) {
        unresolvable.put(node.name(), never.get());
        continue;
      }
      Optional<String> notNow = notNow(pod, node, policy);
      if (notNow.isPresent()) {
        failed.put(node.name(), notNow.get());
      } else {
        fit.add(node.name());
      }
    }
    return new Result(fit, failed, unresolvable);
  }

  private static Optional<String> neverFits(GpuRequest pod, NodeGpus node) {
    if (node.allocatable() == 0) {
      return Optional.of("node has no " + GpuRequest.GPU);
    }
    if (!pod.accepts(node.product())) {
      return Optional.of(
          "GPU model " + node.product() + " is not one the pod accepts " + pod.models());
    }
    if (pod.minMemoryMiB() > 0 && node.memoryMiB() < pod.minMemoryMiB()) {
      return Optional.of(
          node.memoryMiB() == 0
              ? "node does not report its GPU memory (" + NodeGpus.MEMORY + ")"
              : "GPUs have "
                  + node.memoryMiB()
                  + " MiB, the pod needs "
                  + pod.minMemoryMiB()
                  + " MiB");
    }
    if (node.allocatable() < pod.count()) {
      return Optional.of("node has " + node.allocatable() + " GPUs, the pod needs " + pod.count());
    }
    return Optional.empty();
  }

  private static Optional<String> notNow(GpuRequest pod, NodeGpus node, FilterPolicy policy) {
    if (!node.verified()) {
      return Optional.of("GPUs not verified by the network (" + NodeGpus.VERIFIED + ")");
    }
    if (!node.available()) {
      return Optional.of("node agent's heartbeats are not fresh (" + NodeGpus.AVAILABLE + ")");
    }
    if (node.availabilityScore() < policy.minAvailabilityScore()) {
      return Optional.of(
          "availability score "
              + node.availabilityScore()
              + " is below "
              + policy.minAvailabilityScore());
    }
    if (node.tier() < policy.minTier()) {
      return Optional.of("provider tier " + node.tier() + " is below " + policy.minTier());
    }
    if (node.free() < pod.count()) {
      return Optional.of(
          node.free() + " of " + node.allocatable() + " GPUs free, the pod needs " + pod.count());
    }
    return Optional.empty();
  }
}
