package io.aifabric.extender.service;

import static io.aifabric.extender.FilterAnswers.names;
import static io.aifabric.extender.FilterAnswers.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.contract.NodeLabels;
import io.aifabric.extender.FilterPolicy;
import io.aifabric.extender.GpuPrioritizer;
import io.aifabric.extender.NodeGpus;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.HostPriority;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExtenderVerbsTest {
  static final String H100 = "NVIDIA-H100-80GB-HBM3";

  private final GpuLedger ledger = new GpuLedger();
  private final Map<String, NodeGpus> cached =
      Map.of(
          "gpu-0", new NodeGpus("gpu-0", H100, 8, 0, true, true, 200, 1, 81559, null),
          "gpu-1", new NodeGpus("gpu-1", H100, 8, 0, false, true, 200, 1, 81559, null));
  private final ExtenderVerbs verbs =
      new ExtenderVerbs(
          name -> Optional.ofNullable(cached.get(name)).map(n -> n.withInUse(ledger.inUse(name))),
          ledger::inUse,
          FilterPolicy.DEFAULT,
          new GpuPrioritizer(GpuPrioritizer.Weights.DEFAULT));

  @Test
  void filtersNodeNamesAgainstTheCacheAndTheLedger() {
    ledger.podBound("other", "gpu-0", 7);
    var result = verbs.filter(new ExtenderArgs(gpuPod(2), null, List.of("gpu-0", "gpu-1", "new")));
    assertThat(names(result.nodeNames())).isEmpty();
    assertThat(result.nodes()).isNull();
    assertThat(reasons(result.failedNodes()))
        .containsEntry("gpu-0", "1 of 8 GPUs free, the pod needs 2")
        .containsEntry("gpu-1", "GPUs not verified by the network (aifabric.io/verified)")
        .containsEntry("new", ExtenderVerbs.NOT_CACHED.text());
    ledger.podGone("other");
    assertThat(
            names(
                verbs
                    .filter(new ExtenderArgs(gpuPod(2), null, List.of("gpu-0", "gpu-1")))
                    .nodeNames()))
        .containsExactly("gpu-0");
  }

  @Test
  void withoutACacheAnswersWithTheWholeNodesThatFit() {
    var fits =
        new NodeBuilder()
            .withNewMetadata()
            .withName("whole")
            .addToLabels("nvidia.com/gpu.product", H100)
            .addToLabels(NodeLabels.VERIFIED, "true")
            .addToLabels(NodeLabels.AVAILABLE, "true")
            .endMetadata()
            .withNewStatus()
            .addToAllocatable("nvidia.com/gpu", new Quantity("4"))
            .endStatus()
            .build();
    var result =
        verbs.filter(
            new ExtenderArgs(
                gpuPod(1),
                new io.fabric8.kubernetes.api.model.NodeListBuilder().addToItems(fits).build(),
                null));
    assertThat(names(result.nodeNames())).isNull();
    assertThat(result.nodes().getItems()).containsExactly(fits);
  }

  @Test
  void prioritizeScoresEveryNodeItWasGiven() {
    ledger.podBound("other", "gpu-1", 6);
    List<HostPriority> scores =
        verbs.prioritize(new ExtenderArgs(gpuPod(2), null, List.of("gpu-0", "gpu-1", "gone")));
    assertThat(scores).extracting(p -> p.host().text()).containsExactly("gpu-0", "gpu-1", "gone");
    assertThat(scores.get(1).score()).isGreaterThan(scores.get(0).score());
    assertThat(scores.get(2).score()).isEqualTo(HostPriority.MIN);
  }

  @Test
  void requestsWithoutAGpuPodOrNodesAreRefusedWithWhy() {
    assertThatThrownBy(() -> verbs.filter(new ExtenderArgs(gpuPod(1), null, null)))
        .hasMessage("the request names no nodes (neither NodeNames nor Nodes)");
    assertThatThrownBy(() -> verbs.filter(new ExtenderArgs(null, null, List.of("gpu-0"))))
        .hasMessage("the request names no pod");
  }

  static Pod gpuPod(int gpus) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("train")
        .withNamespace("team")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("c")
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(String.valueOf(gpus)))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }
}
