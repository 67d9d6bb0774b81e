package io.aifabric.operator.placement;

/**
 * How much each preference counts when several clusters fit: a lower price, a higher availability
 * score of the nodes used, and tighter packing (fuller nodes, so that big gangs still find whole
 * nodes later).
 */
public record ScoreWeights(double price, double availability, double packing) {
  public static final ScoreWeights DEFAULT = new ScoreWeights(0.5, 0.3, 0.2);
}
