package io.aifabric.extender.wire;

/**
 * One node filter turned down and why: an entry of {@code FailedNodes} or {@code
 * FailedAndUnresolvableNodes} (JSON objects from node name to reason).
 */
public record FailedNode(JsonString node, JsonString reason) {
  public FailedNode(String node, String reason) {
    this(JsonString.of(node), JsonString.of(reason));
  }
}
