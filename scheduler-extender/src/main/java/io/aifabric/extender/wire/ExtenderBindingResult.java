package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** The answer to bind ({@code ExtenderBindingResult}): empty on success, else the error. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ExtenderBindingResult(@JsonProperty("Error") String error) {}
