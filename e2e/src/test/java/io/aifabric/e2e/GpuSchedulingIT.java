package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The members' real kube-scheduler places GPU pods on KWOK GPU nodes by their nvidia.com/gpu
 * capacity and GPU Feature Discovery labels, and KWOK runs them: pods reach Running, Job pods
 * Succeeded.
 */
@ExtendWith(TestBedExtension.class)
@org.junit.jupiter.api.Order(4)
class GpuSchedulingIT {
  private static final String MEMBER_A = "member-a";
  private static final String MEMBER_B = "member-b";

  private static KubernetesClient memberA;
  private static KubernetesClient memberB;
  private static String nsA;
  private static String nsB;

  @BeforeAll
  static void setUp(TestBed bed) {
    memberA = bed.client(MEMBER_A);
    memberB = bed.client(MEMBER_B);
    nsA = bed.createNamespace(MEMBER_A, "sched");
    nsB = bed.createNamespace(MEMBER_B, "sched");
  }

  @Test
  void membersHaveGpuNodesLabelledLikeGpuFeatureDiscovery(TestBed bed) {
    for (String member : bed.members()) {
      List<Node> gpuNodes =
          bed.client(member).nodes().withLabel("nvidia.com/gpu.present", "true").list().getItems();
      assertThat(gpuNodes).as(member).hasSizeGreaterThanOrEqualTo(20);
      for (Node node : gpuNodes) {
        Map<String, String> labels = node.getMetadata().getLabels();
        assertThat(labels)
            .containsKeys(
                "nvidia.com/gpu.product",
                "nvidia.com/gpu.memory",
                "nvidia.com/gpu.count",
                "nvidia.com/cuda.driver.major",
                "nvidia.com/cuda.runtime.major",
                "topology.kubernetes.io/region");
        assertThat(node.getStatus().getCapacity().get("nvidia.com/gpu").getAmount())
            .isEqualTo(labels.get("nvidia.com/gpu.count"));
      }
    }
  }

  @Test
  void membersOfferDifferentGpuModels() {
    assertThat(products(memberA))
        .containsExactlyInAnyOrder("NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-40GB");
    assertThat(products(memberB))
        .containsExactlyInAnyOrder("NVIDIA-A100-SXM4-40GB", "NVIDIA-GeForce-RTX-4090");
  }

  @Test
  void aPodRequestingOneGpuRunsOnAGpuNode() {
    Pod pod = memberA.pods().inNamespace(nsA).resource(gpuPod("one-gpu", 1, Map.of())).create();
    Pod running = awaitPhase(memberA, pod, "Running");
    Node node = memberA.nodes().withName(running.getSpec().getNodeName()).get();
    assertThat(node.getMetadata().getLabels()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(node.getStatus().getAllocatable()).containsKey("nvidia.com/gpu");
  }

  @Test
  void aPodSelectingAGpuModelRunsOnThatModel() {
    Map<String, String> selector = Map.of("nvidia.com/gpu.product", "NVIDIA-GeForce-RTX-4090");
    Pod pod = memberB.pods().inNamespace(nsB).resource(gpuPod("rtx", 2, selector)).create();
    Pod running = awaitPhase(memberB, pod, "Running");
    Node node = memberB.nodes().withName(running.getSpec().getNodeName()).get();
    assertThat(node.getMetadata().getLabels())
        .containsEntry("nvidia.com/gpu.product", "NVIDIA-GeForce-RTX-4090");
  }

  @Test
  void aPodAskingForMoreGpusThanAnyNodeHasIsUnschedulable() {
    Pod pod = memberA.pods().inNamespace(nsA).resource(gpuPod("nine-gpus", 9, Map.of())).create();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod current = memberA.pods().resource(pod).get();
              assertThat(current.getSpec().getNodeName()).isNull();
              assertThat(current.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("PodScheduled");
                        assertThat(c.getReason()).isEqualTo("Unschedulable");
                        assertThat(c.getMessage()).contains("Insufficient nvidia.com/gpu");
                      });
            });
  }

  @Test
  void anIndexedJobsPodsSucceed() {
    Job job =
        new JobBuilder()
            .withNewMetadata()
            .withName("indexed")
            .withNamespace(nsA)
            .endMetadata()
            .withNewSpec()
            .withCompletions(3)
            .withParallelism(3)
            .withCompletionMode("Indexed")
            .withBackoffLimit(0)
            .withNewTemplate()
            .withSpec(gpuPodSpec(2, Map.of(), "Never"))
            .endTemplate()
            .endSpec()
            .build();
    memberA.batch().v1().jobs().resource(job).create();
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Job current = memberA.batch().v1().jobs().resource(job).get();
              assertThat(current.getStatus().getSucceeded()).isEqualTo(3);
              assertThat(current.getStatus().getConditions())
                  .anyMatch(c -> c.getType().equals("Complete") && c.getStatus().equals("True"));
            });
    List<Pod> pods =
        memberA.pods().inNamespace(nsA).withLabel("job-name", "indexed").list().getItems();
    assertThat(pods).hasSize(3).allMatch(p -> p.getStatus().getPhase().equals("Succeeded"));
  }

  private static List<String> products(KubernetesClient client) {
    return client.nodes().withLabel("nvidia.com/gpu.present", "true").list().getItems().stream()
        .map(n -> n.getMetadata().getLabels().get("nvidia.com/gpu.product"))
        .distinct()
        .toList();
  }

  private static Pod gpuPod(String name, int gpus, Map<String, String> nodeSelector) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withSpec(gpuPodSpec(gpus, nodeSelector, "Always"))
        .build();
  }

  private static PodSpec gpuPodSpec(int gpus, Map<String, String> nodeSelector, String restart) {
    return new PodSpecBuilder()
        .withRestartPolicy(restart)
        .withNodeSelector(nodeSelector)
        .addNewContainer()
        .withName("main")
        .withImage("nvcr.io/nvidia/cuda:12.4.0-base-ubuntu22.04")
        .withNewResources()
        .addToLimits("nvidia.com/gpu", new Quantity(String.valueOf(gpus)))
        .endResources()
        .endContainer()
        .build();
  }

  private static Pod awaitPhase(KubernetesClient client, Pod pod, String phase) {
    return client
        .pods()
        .resource(pod)
        .waitUntilCondition(
            p -> p != null && phase.equals(p.getStatus().getPhase()),
            60,
            java.util.concurrent.TimeUnit.SECONDS);
  }
}
