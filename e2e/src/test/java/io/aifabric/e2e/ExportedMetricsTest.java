package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class ExportedMetricsTest {
  @Test
  void readsAnExpositionsSeriesWithTheirLabels() {
    ExportedMetrics exported =
        new ExportedMetrics()
            .add(
                """
                # HELP aifabric_placements_total Placements
                # TYPE aifabric_placements_total counter
                aifabric_placements_total{result="placed"} 3.0
                aifabric_placements_total{result="un,\\"placeable\\"",zone="a"} 0.0
                aifabric_dispatch_latency_seconds_count 7.0
                """)
            .add("aifabric_extender_nodes 20.0 1733400000000\n");

    assertThat(exported.labels("aifabric_placements_total")).contains(Set.of("result", "zone"));
    assertThat(exported.labels("aifabric_dispatch_latency_seconds_count")).contains(Set.of());
    assertThat(exported.labels("aifabric_extender_nodes")).isPresent();
    assertThat(exported.labels("aifabric_placements")).isEmpty();
  }

  @Test
  void aLineThatIsNotASampleIsAnError() {
    assertThatThrownBy(() -> new ExportedMetrics().add("{broken} 1\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("{broken}");
  }
}
