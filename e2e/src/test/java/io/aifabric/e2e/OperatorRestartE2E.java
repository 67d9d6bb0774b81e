package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.Availability;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
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

  /**
   * Availability survives the operator: a node's heartbeats of the running epoch, as status
   * recorded them, are still counted after a restart (the epoch's count is restored, not begun
   * again), so minAvailabilityScore does not have to wait a whole epoch.
   */
  @Test
  void aRestartMidEpochKeepsTheHeartbeatsTheEpochCounted() throws Exception {
    String node =
        federation
            .host
            .resources(ComputeNode.class)
            .withLabel("aifabric.io/cluster", "member-a")
            .list()
            .getItems()
            .stream()
            .map(c -> c.getSpec().getNodeName())
            .sorted()
            .findFirst()
            .orElseThrow();
    String name = "member-a." + node;
    try (SimulatedAgent agent = SimulatedAgent.registeredOn(federation, "member-a", node)) {
      long sequence = 0;
      for (int i = 0; i < 4; i++) {
        var heartbeat = agent.nextHeartbeat();
        sequence = heartbeat.heartbeat().sequence();
        agent.publish(heartbeat);
        // More than the status interval apart, so that each is written to status.
        Thread.sleep(2_500);
      }
      Availability before = awaitRecorded(name, sequence);
      assertThat(before.getEpochHeartbeats()).isGreaterThanOrEqualTo(4);

      federation.operator.kill();
      federation.operator.start();
      var after = agent.nextHeartbeat();
      agent.publish(after);
      Availability now = awaitRecorded(name, after.heartbeat().sequence());

      // An epoch boundary between the two would rightly start a new count.
      Assumptions.assumeTrue(before.getEpoch().equals(now.getEpoch()), "same epoch");
      assertThat(now.getEpochHeartbeats()).isEqualTo(before.getEpochHeartbeats() + 1);
    }
  }

  private static Availability awaitRecorded(String computeNode, long sequence) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              ComputeNode cn =
                  federation.host.resources(ComputeNode.class).withName(computeNode).get();
              return cn == null || cn.getStatus() == null ? null : cn.getStatus().getAvailability();
            },
            a -> a != null && a.getLastSequence() != null && a.getLastSequence() == sequence);
  }
}
