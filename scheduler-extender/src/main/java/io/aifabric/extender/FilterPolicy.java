package io.aifabric.extender;

/**
 * What a node must show beyond fitting the pod: verified GPUs and fresh heartbeats always (that is
 * the point of the extender), and an availability score (0–255) and provider tier of at least
 * these.
 */
public record FilterPolicy(int minAvailabilityScore, int minTier) {
  public static final FilterPolicy DEFAULT = new FilterPolicy(0, 0);
}
