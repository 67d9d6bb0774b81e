package io.aifabric.extender.wire;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One node's score from prioritize ({@code HostPriority}); the answer is a JSON array of them.
 * Scores are 0 ({@code MinExtenderPriority}) to 10 ({@code MaxExtenderPriority}).
 */
public record HostPriority(
    @JsonProperty("Host") JsonString host, @JsonProperty("Score") long score) {
  public static final long MIN = 0;
  public static final long MAX = 10;

  public HostPriority(String host, long score) {
    this(JsonString.of(host), score);
  }
}
