package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import org.junit.jupiter.api.Test;

class MemberWorkChangesTest {

  private static Pod pod(String node, String phase, String finishedAt) {
    var b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withPodIP("10.0.0.1")
            .addNewContainerStatus()
            .withName("main")
            .withNewState()
            .endState()
            .endContainerStatus()
            .endStatus();
    Pod pod = b.build();
    if (finishedAt != null) {
      pod.getStatus()
          .getContainerStatuses()
          .get(0)
          .getState()
          .setTerminated(
              new io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder()
                  .withFinishedAt(finishedAt)
                  .withExitCode(0)
                  .build());
    }
    return pod;
  }

  @Test
  void podUpdatesThatStatusDoesNotShowAreIgnored() {
    Pod before = pod("gpu-1", "Running", null);
    Pod after = pod("gpu-1", "Running", null);
    after.getStatus().setPodIP("10.0.0.2");
    after.getMetadata().setResourceVersion("42");
    assertThat(MemberWorkChanges.podChanged(after, before)).isFalse();
  }

  @Test
  void bindingPhaseAndTerminationAreChanges() {
    assertThat(
            MemberWorkChanges.podChanged(pod("gpu-1", "Pending", null), pod(null, "Pending", null)))
        .isTrue();
    assertThat(
            MemberWorkChanges.podChanged(
                pod("gpu-1", "Running", null), pod("gpu-1", "Pending", null)))
        .isTrue();
    assertThat(
            MemberWorkChanges.podChanged(
                pod("gpu-1", "Running", "2026-11-22T00:00:05Z"), pod("gpu-1", "Running", null)))
        .isTrue();
  }

  @Test
  void aJobMattersWhenItsConditionsOrCompletionChange() {
    Job running = new JobBuilder().withNewStatus().withActive(1).endStatus().build();
    Job moreActive = new JobBuilder().withNewStatus().withActive(2).endStatus().build();
    Job complete =
        new JobBuilder()
            .withNewStatus()
            .addNewCondition()
            .withType("Complete")
            .withStatus("True")
            .endCondition()
            .withCompletionTime("2026-11-22T00:00:05Z")
            .endStatus()
            .build();
    assertThat(MemberWorkChanges.jobChanged(moreActive, running)).isFalse();
    assertThat(MemberWorkChanges.jobChanged(complete, running)).isTrue();
  }
}
