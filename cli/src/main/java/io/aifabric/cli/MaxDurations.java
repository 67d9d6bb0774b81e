package io.aifabric.cli;

import java.time.Duration;

/** An AIJob's maxDuration (Go's duration syntax, hours to seconds: 90m, 1h30m) as a Duration. */
final class MaxDurations {
  /** What a job runs at most when it does not say (the API's default). */
  static final Duration DEFAULT = Duration.ofHours(24);

  private MaxDurations() {}

  static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      return DEFAULT;
    }
    if (!text.matches("(\\d+h)?(\\d+m)?(\\d+s)?")) {
      throw new IllegalArgumentException("maxDuration " + text + " is not a duration such as 90m");
    }
    return Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
  }
}
