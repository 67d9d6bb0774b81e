package io.aifabric.extender;

import io.aifabric.contract.NodeLabels;
import io.aifabric.extender.wire.FailedNode;
import io.aifabric.extender.wire.JsonString;
import java.util.ArrayList;
import java.util.HashMap;
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

  /** Node names in the order they came, as the answer carries them. */
  public record Result(
      List<JsonString> fit, List<FailedNode> failed, List<FailedNode> unresolvable) {}

  private static final JsonString NO_GPUS = JsonString.of("node has no " + GpuRequest.GPU);
  private static final JsonString NOT_VERIFIED =
      JsonString.of("GPUs not verified by the network (" + NodeLabels.VERIFIED + ")");
  private static final JsonString NOT_AVAILABLE =
      JsonString.of("node agent's heartbeats are not fresh (" + NodeLabels.AVAILABLE + ")");

  public static Result filter(GpuRequest pod, List<NodeGpus> nodes, FilterPolicy policy) {
    List<JsonString> fit = new ArrayList<>(nodes.size());
    List<FailedNode> failed = new ArrayList<>();
    List<FailedNode> unresolvable = new ArrayList<>();
    Reasons reasons = new Reasons(pod, policy);
    for (NodeGpus node : nodes) {
      JsonString never = reasons.neverFits(node);
      if (never != null) {
        unresolvable.add(new FailedNode(node.wireName(), never));
        continue;
      }
      JsonString notNow = reasons.notNow(node);
      if (notNow != null) {
        failed.add(new FailedNode(node.wireName(), notNow));
      } else {
        fit.add(node.wireName());
      }
    }
    return new Result(fit, failed, unresolvable);
  }

  /**
   * Why a node does not fit, for one pod. Thousands of rejected nodes share a handful of reasons
   * ("1 of 8 GPUs free, the pod needs 2"), so each distinct text is built once per request and
   * keyed by the numbers in it: a 5,000-node filter then builds and encodes a few texts, not
   * thousands.
   */
  private static final class Reasons {
    private static final int MEMORY = 2;
    private static final int COUNT = 3;
    private static final int SCORE = 4;
    private static final int TIER = 5;
    private static final int FREE = 6;

    private final GpuRequest pod;
    private final FilterPolicy policy;
    private final Map<Long, JsonString> byNumbers = new HashMap<>();
    private final Map<String, JsonString> byModel = new HashMap<>();

    Reasons(GpuRequest pod, FilterPolicy policy) {
      this.pod = pod;
      this.policy = policy;
    }

    /** Hardware that can never take the pod, or null. */
    JsonString neverFits(NodeGpus node) {
      if (node.allocatable() == 0) {
        return NO_GPUS;
      }
      if (!pod.accepts(node.product())) {
        JsonString known = byModel.get(node.product());
        if (known == null) {
          known =
              JsonString.of(
                  "GPU model " + node.product() + " is not one the pod accepts " + pod.models());
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
    JsonString notNow(NodeGpus node) {
      if (!node.verified()) {
        return NOT_VERIFIED;
      }
      if (!node.available()) {
        return NOT_AVAILABLE;
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

    private JsonString text(int kind, int a, int b) {
      long key = (long) kind << 56 | (a & 0xFFFFFFFL) << 28 | (b & 0xFFFFFFFL);
      JsonString known = byNumbers.get(key);
      if (known == null) {
        known = JsonString.of(build(kind, a, b));
        byNumbers.put(key, known);
      }
      return known;
    }

    private String build(int kind, int a, int b) {
      return switch (kind) {
        case MEMORY ->
            a == 0
                ? "node does not report its GPU memory (" + NodeLabels.GFD_MEMORY + ")"
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
