package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A job's state from its member Job's pods, whether the operator read them from a push member or a
 * pull member's agent reported them: both arrive as {@link ReportedPod}s.
 */
class MemberJobObserverTest {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  @Test
  void aRunningGangCountsEachReplicasGpuSecondsUntilNowAndWhereItRuns() {
    List<ReportedPod> pods =
        List.of(
            ReportedPod.of(pod("j-0", 0, "gpu-a", "Running", "2026-12-05T11:59:00Z", null)),
            ReportedPod.of(pod("j-1", 1, "gpu-b", "Running", "2026-12-05T11:59:30Z", null)));

    var state = MemberJobObserver.summarize(job(2, 4), running(), pods, NOW, NOW);

    assertThat(state.phase()).isEqualTo(JobPhase.Running);
    assertThat(state.nodes()).containsExactly("gpu-a", "gpu-b");
    assertThat(state.gpuSeconds()).isEqualTo((60 + 30) * 4);
    assertThat(state.startTime()).isEqualTo(Instant.parse("2026-12-05T11:59:00Z"));
    assertThat(state.endTime()).isNull();
  }

  @Test
  void aFinishedPodCountsUntilItsLastContainerEndedAndTheJobEndsWhenTheMemberSaysSo() {
    List<ReportedPod> pods =
        List.of(
            ReportedPod.of(
                pod(
                    "j-0",
                    0,
                    "gpu-a",
                    "Succeeded",
                    "2026-12-05T11:50:00Z",
                    "2026-12-05T11:52:00Z")));
    Job complete = complete("2026-12-05T11:52:01Z");

    var state = MemberJobObserver.summarize(job(1, 2), complete, pods, NOW, NOW);

    assertThat(state.phase()).isEqualTo(JobPhase.Succeeded);
    assertThat(state.gpuSeconds()).isEqualTo(120 * 2);
    assertThat(state.endTime()).isEqualTo(Instant.parse("2026-12-05T11:52:01Z"));
  }

  @Test
  void aPodThatHasNotStartedCountsNothingAndAnIndexOutOfRangeIsIgnored() {
    ReportedPod pending = ReportedPod.of(pod("j-0", 0, null, "Pending", null, null));
    ReportedPod stray =
        ReportedPod.of(pod("j-7", 7, "gpu-z", "Running", "2026-12-05T11:59:00Z", null));

    var state =
        MemberJobObserver.summarize(job(1, 1), running(), List.of(pending, stray), NOW, NOW);

    assertThat(state.nodes()).containsExactly((String) null);
    assertThat(state.gpuSeconds()).isEqualTo(60);
  }

  /**
   * A member (a pull member's agent, or a push member's API server) that reports a pod started
   * before the AIJob existed and ended in the future, and a completion time in the future, does not
   * stretch the job's recorded run: it is held to when the host created the job and when the
   * operator read the report.
   */
  @Test
  void timesTheMemberReportsOutsideWhatTheHostSawAreHeldToIt() {
    AIJob job = job(1, 2);
    job.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withCreationTimestamp("2026-12-05T11:58:00Z")
            .build());
    List<ReportedPod> pods =
        List.of(
            ReportedPod.of(
                pod(
                    "j-0",
                    0,
                    "gpu-a",
                    "Succeeded",
                    "2000-01-01T00:00:00Z",
                    "2030-01-01T00:00:00Z")));
    Job complete = complete("2030-01-01T00:00:01Z");
    Instant observed = NOW.plusSeconds(3);

    var state = MemberJobObserver.summarize(job, complete, pods, NOW, observed);

    assertThat(state.startTime()).isEqualTo(Instant.parse("2026-12-05T11:58:00Z"));
    assertThat(state.endTime()).isEqualTo(observed);
    assertThat(state.gpuSeconds()).isEqualTo((120 + 3) * 2);

    // Within those bounds the member's own times stand.
    var honest =
        MemberJobObserver.summarize(
            job,
            running(),
            List.of(
                ReportedPod.of(pod("j-0", 0, "gpu-a", "Running", "2026-12-05T11:59:00Z", null))),
            NOW,
            observed);
    assertThat(honest.startTime()).isEqualTo(Instant.parse("2026-12-05T11:59:00Z"));
    assertThat(honest.gpuSeconds()).isEqualTo(60 * 2);
  }

  private static AIJob job(int replicas, int gpusPerReplica) {
    AIJob job = new AIJob();
    job.setSpec(new AIJobSpec());
    job.getSpec().setReplicas(replicas);
    job.getSpec().setResources(new GpuResources());
    job.getSpec().getResources().setGpusPerReplica(gpusPerReplica);
    return job;
  }

  private static Job complete(String completionTime) {
    return new JobBuilder()
        .withNewStatus()
        .addNewCondition()
        .withType("Complete")
        .withStatus("True")
        .withReason("CompletionsReached")
        .endCondition()
        .withCompletionTime(completionTime)
        .endStatus()
        .build();
  }

  private static Job running() {
    return new JobBuilder().withNewStatus().endStatus().build();
  }

  private static Pod pod(
      String name, int index, String node, String phase, String start, String finished) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .addToAnnotations("batch.kubernetes.io/job-completion-index", String.valueOf(index))
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .withStartTime(start)
            .endStatus();
    if (finished != null) {
      pod.editStatus()
          .addNewContainerStatus()
          .withName("main")
          .withNewState()
          .withNewTerminated()
          .withFinishedAt(finished)
          .endTerminated()
          .endState()
          .endContainerStatus()
          .endStatus();
    }
    return pod.build();
  }
}
