package io.aifabric.e2e;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series names a set of services export, each with the label names seen on it, read from their
 * Prometheus text expositions ({@code /metrics}).
 */
final class ExportedMetrics {
  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})?\\s+\\S+.*$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

  private final Map<String, Set<String>> labelsBySeries = new TreeMap<>();

  /** Adds one exposition's samples (comments and blank lines skipped). */
  ExportedMetrics add(String exposition) {
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.strip());
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample: " + line);
      }
      Set<String> labels = labelsBySeries.computeIfAbsent(sample.group(1), n -> new TreeSet<>());
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.add(label.group(1));
        }
      }
    }
    return this;
  }

  /** The label names seen on a series, or empty when no service exports it. */
  Optional<Set<String>> labels(String series) {
    return Optional.ofNullable(labelsBySeries.get(series));
  }

  Set<String> names() {
    return labelsBySeries.keySet();
  }
}
