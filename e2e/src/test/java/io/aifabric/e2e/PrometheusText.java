package io.aifabric.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sample from a Prometheus text exposition, so that a test can compare a counter before and
 * after the thing it does: counters are cumulative over a process that earlier tests used too, so
 * "is positive" says nothing about this test.
 */
final class PrometheusText {
  private PrometheusText() {}

  /**
   * @param series the metric name with its labels in the exporter's order, e.g. {@code
   *     aifabric_placements_total{result="placed"}} (a trailing comma some exporters write is
   *     allowed), or a name without labels
   * @return the sample's value, 0 when the series has not been exported yet
   */
  static double sample(String metrics, String series) {
    String pattern;
    int brace = series.indexOf('{');
    if (brace < 0) {
      pattern = Pattern.quote(series);
    } else {
      String labels = series.substring(brace + 1, series.length() - 1);
      pattern = Pattern.quote(series.substring(0, brace) + "{" + labels) + ",?\\}";
    }
    Matcher m = Pattern.compile("(?m)^" + pattern + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
