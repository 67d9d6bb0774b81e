package io.aifabric.extender.wire;

import io.fabric8.kubernetes.api.model.NodeList;
import java.util.List;

/**
 * The answer to filter ({@code ExtenderFilterResult}): the nodes that fit (as names when the
 * scheduler sent names, whole Nodes when it sent Nodes), a reason for every node that does not,
 * split by whether preemption could help ({@code FailedNodes}) or not ({@code
 * FailedAndUnresolvableNodes}), or an {@code Error}. Written by {@link ExtenderJson}; null fields
 * are left out.
 */
public record ExtenderFilterResult(
    NodeList nodes,
    List<JsonString> nodeNames,
    List<FailedNode> failedNodes,
    List<FailedNode> failedAndUnresolvableNodes,
    String error) {

  public static ExtenderFilterResult error(String message) {
    return new ExtenderFilterResult(null, null, null, null, message);
  }
}
