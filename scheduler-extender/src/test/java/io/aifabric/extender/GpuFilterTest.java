package io.aifabric.extender;

import static io.aifabric.extender.FilterAnswers.names;
import static io.aifabric.extender.FilterAnswers.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.contract.NodeLabels;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GpuFilterTest {
  static final String H100 = "NVIDIA-H100-80GB-HBM3";
  static final String A100 = "NVIDIA-A100-SXM4-40GB";

  @Test
  void keepsVerifiedAvailableNodesWithEnoughFreeGpusOfAnAcceptedModel() {
    var result =
        GpuFilter.filter(
            new GpuRequest(2, java.util.Set.of(H100)),
            List.of(
                node("fits", H100, 8, 6, "true", "true", 200, 2),
                node("full", H100, 8, 7, "true", "true", 200, 2),
                node("unverified", H100, 8, 0, "false", "true", 200, 2),
                node("unknown", H100, 8, 0, null, "true", 200, 2),
                node("silent", H100, 8, 0, "true", "false", 200, 2),
                node("other-model", A100, 4, 0, "true", "true", 200, 2),
                node("too-small", H100, 1, 0, "true", "true", 200, 2),
                node("cpu-only", null, 0, 0, null, null, 0, 0)),
            FilterPolicy.DEFAULT);
    assertThat(names(result.fit())).containsExactly("fits");
    assertThat(reasons(result.failed()))
        .containsOnlyKeys("full", "unverified", "unknown", "silent")
        .containsEntry("full", "1 of 8 GPUs free, the pod needs 2")
        .containsEntry("unverified", "GPUs not verified by the network (aifabric.io/verified)")
        .containsEntry("silent", "node agent's heartbeats are not fresh (aifabric.io/available)");
    // Hardware that can never fit goes where preemption does not look.
    assertThat(reasons(result.unresolvable()))
        .containsOnlyKeys("other-model", "too-small", "cpu-only")
        .containsEntry("too-small", "node has 1 GPUs, the pod needs 2")
        .containsEntry("cpu-only", "node has no nvidia.com/gpu");
  }

  @Test
  void appliesTheMinimumScoreAndTier() {
    var nodes =
        List.of(
            node("low-score", H100, 8, 0, "true", "true", 90, 3),
            node("low-tier", H100, 8, 0, "true", "true", 250, 1),
            node("good", H100, 8, 0, "true", "true", 250, 3));
    var result =
        GpuFilter.filter(new GpuRequest(1, java.util.Set.of()), nodes, new FilterPolicy(128, 2));
    assertThat(names(result.fit())).containsExactly("good");
    assertThat(reasons(result.failed()))
        .containsEntry("low-score", "availability score 90 is below 128")
        .containsEntry("low-tier", "provider tier 1 is below 2");
  }

  @Test
  void nodesWithTooLittleGpuMemoryCanNeverFit() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("llm")
            .addToAnnotations(GpuRequest.MIN_MEMORY, "40000")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withNewResources()
            .addToLimits("nvidia.com/gpu", new Quantity("1"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    GpuRequest request = GpuRequest.of(pod);
    assertThat(request.minMemoryMiB()).isEqualTo(40000);
    var result =
        GpuFilter.filter(
            request,
            List.of(
                new NodeGpus("big", H100, 8, 0, true, true, 200, 2, 81559, null),
                new NodeGpus("small", "Tesla-T4", 8, 0, true, true, 200, 2, 15360, null),
                new NodeGpus("unlabelled", H100, 8, 0, true, true, 200, 2, 0, null)),
            FilterPolicy.DEFAULT);
    assertThat(names(result.fit())).containsExactly("big");
    assertThat(reasons(result.unresolvable()))
        .containsEntry("small", "GPUs have 15360 MiB, the pod needs 40000 MiB")
        .containsEntry("unlabelled", "node does not report its GPU memory (nvidia.com/gpu.memory)");

    pod.getMetadata().getAnnotations().put(GpuRequest.MIN_MEMORY, "40GB");
    assertThatThrownBy(() -> GpuRequest.of(pod))
        .hasMessage(
            "annotation aifabric.io/min-gpu-memory-mib must be a whole number of MiB, not '40GB'");
  }

  @Test
  void aPodWithoutAGpuRequestIsRefusedWithAClearMessage() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace("default")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withNewResources()
            .addToRequests("cpu", new Quantity("1"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    assertThatThrownBy(() -> GpuRequest.of(pod))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "pod default/web requests no nvidia.com/gpu: the aifabric-scheduler profile is for GPU pods");
  }

  @Test
  void countsGpusAsTheSchedulerDoesAndReadsModelsFromAffinity() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("train")
            .endMetadata()
            .withNewSpec()
            .addNewInitContainer()
            .withName("warm")
            .withNewResources()
            .addToLimits("nvidia.com/gpu", new Quantity("4"))
            .endResources()
            .endInitContainer()
            .addNewContainer()
            .withName("a")
            .withNewResources()
            .addToLimits("nvidia.com/gpu", new Quantity("1"))
            .endResources()
            .endContainer()
            .addNewContainer()
            .withName("b")
            .withNewResources()
            .addToLimits("nvidia.com/gpu", new Quantity("2"))
            .endResources()
            .endContainer()
            .withNewAffinity()
            .withNewNodeAffinity()
            .withNewRequiredDuringSchedulingIgnoredDuringExecution()
            .addNewNodeSelectorTerm()
            .addNewMatchExpression()
            .withKey("nvidia.com/gpu.product")
            .withOperator("In")
            .withValues(H100, A100)
            .endMatchExpression()
            .endNodeSelectorTerm()
            .endRequiredDuringSchedulingIgnoredDuringExecution()
            .endNodeAffinity()
            .endAffinity()
            .endSpec()
            .build();
    GpuRequest request = GpuRequest.of(pod);
    assertThat(request.count()).isEqualTo(4);
    assertThat(request.models()).containsExactlyInAnyOrder(H100, A100);
  }

  static NodeGpus node(
      String name,
      String product,
      int gpus,
      int inUse,
      String verified,
      String available,
      int score,
      int tier) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
    Node n = b.withNewStatus().endStatus().build();
    Map<String, String> labels = new java.util.HashMap<>();
    if (product != null) {
      labels.put("nvidia.com/gpu.product", product);
    }
    if (verified != null) {
      labels.put(NodeLabels.VERIFIED, verified);
    }
    if (available != null) {
      labels.put(NodeLabels.AVAILABLE, available);
    }
    labels.put(NodeLabels.SCORE, String.valueOf(score));
    labels.put(NodeLabels.TIER, String.valueOf(tier));
    n.getMetadata().setLabels(labels);
    if (gpus > 0) {
      n.getStatus().setAllocatable(Map.of("nvidia.com/gpu", new Quantity(String.valueOf(gpus))));
    }
    return NodeGpus.of(n, inUse);
  }
}
