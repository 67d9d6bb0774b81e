package io.aifabric.extender;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
    List<String> fit = new ArrayList<>(nodes.size());
    Map<String, String> failed = new LinkedHashMap<>();
    Map<String, String> unresolvable = new LinkedHashMap<>();
    Reasons reasons = new Reasons(pod, policy);
    for (NodeGpus node : nodes) {
      String never = reasons.neverFits(node);
      if (never != null) {
        unresolvable.put(node.name(), never);
        continue;
      }
      String notNow = reasons.notNow(node);
      if (notNow != null) {
        failed.put(node.name(), notNow);
      } else {
        fit.add(node.name());
      }
    }
    return new Result(fit, failed, unresolvable);
  }

  /**
   * Why a node does not fit, for one pod. Thousands of rejected nodes share a handful of reasons
   * ("1 of 8 GPUs free, the pod needs 2"), so each distinct text is built once per request and
   * keyed by the numbers in it: a 5,000-node filter then builds a few Strings, not thousands.
   */
  private static final class Reasons {
    private static final int MEMORY = 2;
    private static final int COUNT = 3;
    private static final int SCORE = 4;
    private static final int TIER = 5;
    private static final int FREE = 6;

    private final GpuRequest pod;
    private final FilterPolicy policy;
    private final Map<Long, String> byNumbers = new HashMap<>();
    private final Map<String, String> byModel = new HashMap<>();

    Reasons(GpuRequest pod, FilterPolicy policy) {
      this.pod = pod;
      this.policy = policy;
    }

    /** Hardware that can never take the pod, or null. */
    String neverFits(NodeGpus node) {
      if (node.allocatable() == 0) {
        return "node has no " + GpuRequest.GPU;
      }
      if (!pod.accepts(node.product())) {
        String known = byModel.get(node.product());
        if (known == null) {
          known = "GPU model " + node.product() + " is not one the pod accepts " + pod.models();
          byModel.put(node.product(), known);
        }
        return known;
      }
      if (pod.minMemoryMiB() > 0 && node.memoryMiB() < pod.minMemoryMiB()) {
        return text(MEMORY, node.memoryMiB(), 0);
      }
      if (node.allocatable() < pod.count()) {
        return text(COUNT, node.allocatable(), 0);
      }
      return null;
    }

    /** What keeps the node from taking the pod now, or null. */
    String notNow(NodeGpus node) {
      if (!node.verified()) {
        return "GPUs not verified by the network (" + NodeGpus.VERIFIED + ")";
      }
      if (!node.available()) {
        return "node agent's heartbeats are not fresh (" + NodeGpus.AVAILABLE + ")";
      }
      if (node.availabilityScore() < policy.minAvailabilityScore()) {
        return text(SCORE, node.availabilityScore(), 0);
      }
      if (node.tier() < policy.minTier()) {
        return text(TIER, node.tier(), 0);
      }
      if (node.free() < pod.count()) {
        return text(FREE, node.free(), node.allocatable());
      }
      return null;
    }

    private String text(int kind, int a, int b) {
      long key = (long) kind << 56 | (a & 0xFFFFFFFL) << 28 | (b & 0xFFFFFFFL);
      String known = byNumbers.get(key);
      if (known == null) {
        known = build(kind, a, b);
        byNumbers.put(key, known);
      }
      return known;
    }

    private String build(int kind, int a, int b) {
      return switch (kind) {
        case MEMORY ->
            a == 0
                ? "node does not report its GPU memory (" + NodeGpus.MEMORY + ")"
                : "GPUs have " + a + " MiB, the pod needs " + pod.minMemoryMiB() + " MiB";
        case COUNT -> "node has " + a + " GPUs, the pod needs " + pod.count();
        case SCORE -> "availability score " + a + " is below " + policy.minAvailabilityScore();
        case TIER -> "provider tier " + a + " is below " + policy.minTier();
        case FREE -> a + " of " + b + " GPUs free, the pod needs " + pod.count();
        default -> throw new IllegalArgumentException("no reason of kind " + kind);
      };
    }
  }
}
