package io.aifabric.extender;

import static io.aifabric.extender.GpuFilterTest.H100;
import static io.aifabric.extender.GpuFilterTest.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.contract.NodeLabels;
import io.aifabric.extender.wire.HostPriority;
import java.util.List;
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
                    node("nearly-full", H100, 8, 6, "true", "true", 0, 0)));
    assertThat(scores)
        .containsExactly(new HostPriority("empty", 3), new HostPriority("nearly-full", 10));
  }

  @Test
  void prefersHigherAvailabilityAndLowerPrice() {
    var nodes =
        List.of(
            node("reliable", H100, 8, 0, "true", "true", 255, 0),
            node("flaky", H100, 8, 0, "true", "true", 51, 0));
    assertThat(new GpuPrioritizer(new GpuPrioritizer.Weights(0, 1, 0)).prioritize(twoGpus, nodes))
        .containsExactly(new HostPriority("reliable", 10), new HostPriority("flaky", 2));
    assertThat(
            new GpuPrioritizer(new GpuPrioritizer.Weights(0, 0, 1))
                .prioritize(twoGpus, List.of(priced(nodes.get(0), 4.0), priced(nodes.get(1), 2.0))))
        .containsExactly(new HostPriority("reliable", 0), new HostPriority("flaky", 10));
  }

  @Test
  void scoresStayWithinKubeSchedulersRange() {
    var scores =
        new GpuPrioritizer(GpuPrioritizer.Weights.DEFAULT)
            .prioritize(
                twoGpus,
                List.of(
                    priced(node("a", H100, 8, 6, "true", "true", 255, 0), 1.0),
                    priced(node("b", H100, 8, 0, "true", "true", 0, 0), 9.0)));
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

  @Test
  void readsThePriceAProviderLabelsANodeWith() {
    var labelled = node("rack-a", H100, 8, 0, "true", "true", 0, 0);
    assertThat(labelled.pricePerGpuHour()).isNull();
    var node =
        new io.fabric8.kubernetes.api.model.NodeBuilder()
            .withNewMetadata()
            .withName("rack-b")
            .addToLabels(NodeLabels.PRICE, "2.75")
            .addToLabels(NodeLabels.GFD_MEMORY, "81559")
            .endMetadata()
            .build();
    assertThat(NodeGpus.of(node, 0).pricePerGpuHour()).isEqualTo(2.75);
    assertThat(NodeGpus.of(node, 0).memoryMiB()).isEqualTo(81559);
    node.getMetadata().getLabels().put(NodeLabels.PRICE, "-1");
    assertThat(NodeGpus.of(node, 0).pricePerGpuHour()).isNull();
  }

  static NodeGpus priced(NodeGpus n, double price) {
    return new NodeGpus(
        n.name(),
        n.product(),
        n.allocatable(),
        n.inUse(),
        n.verified(),
        n.available(),
        n.availabilityScore(),
        n.tier(),
        n.memoryMiB(),
        price);
  }
}
