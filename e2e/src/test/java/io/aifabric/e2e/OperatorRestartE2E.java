package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator is killed (SIGKILL) in the middle of dispatching a burst of jobs and started again:
 * every job ends up running exactly once, with no duplicate in any member.
 */
@Order(11)
class OperatorRestartE2E extends FederatedE2E {
  @Test
  void aKillMidDispatchLeavesNoDuplicateWork() throws IOException {
    List<AIJob> jobs = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "burst-" + i);
      job.getSpec().getEnv().add(FederationE2E.simulatedRuntime("60s"));
      jobs.add(federation.create(job));
    }
    // Kill it as soon as the first job has been dispatched: the others are somewhere between
    // placed-and-recorded and not yet looked at.
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> jobs.stream().anyMatch(j -> !federation.memberJobs(j).isEmpty()));
    federation.operator.kill();
    long dispatchedAtKill = jobs.stream().filter(j -> !federation.memberJobs(j).isEmpty()).count();

    federation.operator.start();
    for (AIJob job : jobs) {
      AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(90));
      List<String> copies = federation.memberJobs(running);
      assertThat(copies).as(job.getMetadata().getName()).hasSize(1);
      assertThat(copies.get(0)).startsWith(running.getStatus().getPlacement().getCluster() + "/");
    }
    assertThat(dispatchedAtKill).as("the kill came mid-dispatch").isLessThan(jobs.size());
  }
}
