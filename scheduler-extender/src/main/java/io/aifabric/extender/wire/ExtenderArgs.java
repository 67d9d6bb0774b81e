package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;

/**
 * What kube-scheduler sends to filter and prioritize ({@code ExtenderArgs} of
 * k8s.io/kube-scheduler/extender/v1; Go field names, no JSON tags). With {@code nodeCacheCapable:
 * true} only {@code NodeNames} is set, otherwise only {@code Nodes}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExtenderArgs(
    @JsonProperty("Pod") Pod pod,
    @JsonProperty("Nodes") NodeList nodes,
    @JsonProperty("NodeNames") List<String> nodeNames) {}
