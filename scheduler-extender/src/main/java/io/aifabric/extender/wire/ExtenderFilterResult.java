package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.NodeList;
import java.util.List;
import java.util.Map;

/**
 * The answer to filter ({@code ExtenderFilterResult}): the nodes that fit (as names when the
 * scheduler sent names), a reason for every node that does not, split by whether preemption could
 * help ({@code FailedNodes}) or not ({@code FailedAndUnresolvableNodes}), or an {@code Error}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExtenderFilterResult(
    @JsonProperty("Nodes") NodeList nodes,
    @JsonProperty("NodeNames") List<String> nodeNames,
    @JsonProperty("FailedNodes") Map<String, String> failedNodes,
    @JsonProperty("FailedAndUnresolvableNodes") Map<String, String> failedAndUnresolvableNodes,
    @JsonProperty("Error") String error) {

  public static ExtenderFilterResult error(String message) {
    return new ExtenderFilterResult(null, null, null, null, message);
  }
}
