package io.aifabric.extender;

import static io.aifabric.extender.GpuFilterTest.H100;
import static io.aifabric.extender.GpuFilterTest.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.extender.wire.HostPriority;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GpuPrioritizerTest {
  private final GpuRequest twoGpus = new GpuRequest(2, Set.of());

  @Test
  void packsGpusOntoTheNodeThePodLeavesFullest() {
    var scores =
        new GpuPrioritizer(new GpuPrioritizer.Weights(1, 0, 0))
            .prioritize(
                twoGpus,
                List.of(
                    node("empty", H100, 8, 0, "true", "true", 0, 0),
                    node("nearly-full", H100, 8, 6, "true", "true", 0, 0)),
                Map.of());
    assertThat(scores)
        .containsExactly(new HostPriority("empty", 3), new HostPriority("nearly-full", 10));
  }

  @Test
  void prefersHigherAvailabilityAndLowerPrice() {
    var nodes =
        List.of(
            node("reliable", H100, 8, 0, "true", "true", 255, 0),
            node("flaky", H100, 8, 0, "true", "true", 51, 0));
    assertThat(
            new GpuPrioritizer(new GpuPrioritizer.Weights(0, 1, 0))
                .prioritize(twoGpus, nodes, Map.of()))
        .containsExactly(new HostPriority("reliable", 10), new HostPriority("flaky", 2));
    assertThat(
            new GpuPrioritizer(new GpuPrioritizer.Weights(0, 0, 1))
                .prioritize(twoGpus, nodes, Map.of("reliable", 4.0, "flaky", 2.0)))
        .containsExactly(new HostPriority("reliable", 0), new HostPriority("flaky", 10));
  }

  @Test
  void scoresStayWithinKubeSchedulersRange() {
    var scores =
        new GpuPrioritizer(GpuPrioritizer.Weights.DEFAULT)
            .prioritize(
                twoGpus,
                List.of(
                    node("a", H100, 8, 6, "true", "true", 255, 0),
                    node("b", H100, 8, 0, "true", "true", 0, 0)),
                Map.of("a", 1.0, "b", 9.0));
    assertThat(scores)
        .extracting(HostPriority::score)
        .allSatisfy(s -> assertThat(s).isBetween(0L, 10L));
    assertThat(scores.get(0).score()).isEqualTo(10);
  }

  @Test
  void refusesWeightsThatCannotRank() {
    assertThatThrownBy(() -> new GpuPrioritizer(new GpuPrioritizer.Weights(0, 0, 0)))
        .hasMessage("at least one weight must be positive");
    assertThatThrownBy(() -> new GpuPrioritizer(new GpuPrioritizer.Weights(-1, 1, 1)))
        .hasMessageContaining("must not be negative");
  }
}
