package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What kube-scheduler sends to bind ({@code ExtenderBindingArgs}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ExtenderBindingArgs(
    @JsonProperty("PodName") String podName,
    @JsonProperty("PodNamespace") String podNamespace,
    @JsonProperty("PodUID") String podUid,
    @JsonProperty("Node") String node) {}
