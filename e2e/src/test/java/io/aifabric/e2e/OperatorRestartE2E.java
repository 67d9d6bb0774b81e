package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator halts in the middle of dispatching a burst of jobs — at a failpoint, right after it
 * created a member Job and before the AIJob's status records it, the worst moment there is — and is
 * started again: every job ends up running exactly once, with no duplicate in any member.
 */
@Order(11)
class OperatorRestartE2E extends FederatedE2E {
  @Test
  void aCrashBetweenCreatingTheMemberJobAndRecordingItLeavesNoDuplicateWork() throws IOException {
    federation.operator.kill();
    federation.operator.start(Map.of("AIFABRIC_FAILPOINT", "after-member-job-created"));
    List<AIJob> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "burst-" + i);
      job.getSpec().getEnv().add(FederationE2E.simulatedRuntime("60s"));
      jobs.add(federation.create(job));
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> !federation.operator.alive());
    List<AIJob> createdUnrecorded =
        jobs.stream()
            .map(federation::get)
            .filter(j -> !federation.memberJobs(j).isEmpty())
            .filter(
                j ->
                    Federation.condition(j, "Dispatched")
                        .map(c -> !"True".equals(c.getStatus()))
                        .orElse(true))
            .toList();
    long dispatchedAtHalt = jobs.stream().filter(j -> !federation.memberJobs(j).isEmpty()).count();
    assertThat(createdUnrecorded).as("member Jobs the status does not know of").isNotEmpty();
    assertThat(dispatchedAtHalt).as("the halt came mid-dispatch").isLessThan(jobs.size());

    federation.operator.start();
    for (AIJob job : jobs) {
      AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(90));
      List<String> copies = federation.memberJobs(running);
      assertThat(copies).as(job.getMetadata().getName()).hasSize(1);
      assertThat(copies.get(0)).startsWith(running.getStatus().getPlacement().getCluster() + "/");
    }
  }
}
