package io.aifabric.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** A duration option: 3h, 90m, 1h30m, or ISO-8601 (PT3H). */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return value.startsWith("P") ? Duration.parse(value) : MaxDurations.parse(value);
  }
}
