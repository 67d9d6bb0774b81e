package io.aifabric.e2e;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dashboard's PromQL expression asks of the metrics: the metric names it selects, the label
 * names its matchers use on each, and the labels it groups by. Enough PromQL to check a dashboard
 * against what services export (a metric or label no service has is a panel that shows nothing),
 * not a PromQL parser: functions, operators and numbers are skipped, Grafana's {@code $variables}
 * and range selectors too.
 *
 * @param metrics each metric name with the label names its matchers use
 * @param grouping the labels of every {@code by (...)} and {@code without (...)}
 */
record PromQuery(Map<String, Set<String>> metrics, Set<String> grouping) {
  private static final Pattern GROUPING =
      Pattern.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*\\]");
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern MATCHER =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
  private static final Pattern SELECTOR =
      Pattern.compile(
          "(?<![a-zA-Z0-9_:.$])(\\$?[a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*\\})?\\s*(\\()?");
  private static final Set<String> KEYWORDS =
      Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring");

  static PromQuery parse(String expr) {
    Set<String> grouping = new LinkedHashSet<>();
    Matcher g = GROUPING.matcher(expr);
    while (g.find()) {
      for (String label : g.group(1).split(",")) {
        if (!label.isBlank()) {
          grouping.add(label.strip());
        }
      }
    }
    // Matchers' values may contain anything; label names and metric names never contain quotes.
    String rest =
        STRING
            .matcher(GROUPING.matcher(RANGE.matcher(expr).replaceAll("")).replaceAll(""))
            .replaceAll("\"\"");
    Map<String, Set<String>> metrics = new LinkedHashMap<>();
    Matcher s = SELECTOR.matcher(rest);
    while (s.find()) {
      String name = s.group(1);
      boolean call = s.group(3) != null && s.group(2) == null;
      if (name.startsWith("$") || call || KEYWORDS.contains(name)) {
        continue;
      }
      Set<String> labels = metrics.computeIfAbsent(name, n -> new LinkedHashSet<>());
      if (s.group(2) != null) {
        Matcher m = MATCHER.matcher(s.group(2));
        while (m.find()) {
          labels.add(m.group(1));
        }
      }
    }
    return new PromQuery(metrics, grouping);
  }
}
