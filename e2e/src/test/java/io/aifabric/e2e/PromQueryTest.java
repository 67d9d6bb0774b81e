package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromQueryTest {
  @Test
  void findsTheMetricsOfARatioAndTheLabelsItGroupsBy() {
    PromQuery q =
        PromQuery.parse(
            "sum by (cluster) (rate(aifabric_member_probe_seconds_sum[$__rate_interval]))"
                + " / sum by (cluster) (rate(aifabric_member_probe_seconds_count[5m]))");

    assertThat(q.metrics())
        .isEqualTo(
            Map.of(
                "aifabric_member_probe_seconds_sum", Set.of(),
                "aifabric_member_probe_seconds_count", Set.of()));
    assertThat(q.grouping()).containsExactly("cluster");
  }

  @Test
  void findsTheLabelNamesOfMatchersButNotTheirValues() {
    PromQuery q =
        PromQuery.parse(
            "sum by (result) (increase(aifabric_heartbeats_total{result!=\"accepted\","
                + " node=~\"gpu(x)\"}[1h]))");

    assertThat(q.metrics())
        .isEqualTo(Map.of("aifabric_heartbeats_total", Set.of("result", "node")));
  }

  @Test
  void aBareMetricWithoutFunctionsIsAMetric() {
    assertThat(
            PromQuery.parse("max by (quantile, verb) (aifabric_extender_requests_seconds)")
                .metrics())
        .containsOnlyKeys("aifabric_extender_requests_seconds");
    assertThat(PromQuery.parse("up").metrics()).containsOnlyKeys("up");
    assertThat(PromQuery.parse("max by (quantile, verb) (x)").grouping())
        .containsExactly("quantile", "verb");
  }

  @Test
  void keywordsNumbersAndVariablesAreNotMetrics() {
    PromQuery q = PromQuery.parse("a > bool 0.5 and on (job) b offset 5m or vector(0) * $factor");

    assertThat(q.metrics()).containsOnlyKeys("a", "b");
    assertThat(q.grouping()).containsExactly("job");
  }
}
