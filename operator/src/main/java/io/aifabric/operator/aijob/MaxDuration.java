package io.aifabric.operator.aijob;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** An AIJob's maxDuration ("90m", "4h", "1h30m"), the one way it is read. */
final class MaxDuration {
  private MaxDuration() {}

  /**
   * @throws DateTimeParseException when the value is not such a duration
   */
  static Duration parse(String value) {
    if (value == null) {
      throw new DateTimeParseException("no maxDuration", "", 0);
    }
    return Duration.parse("PT" + value.toUpperCase());
  }
}
