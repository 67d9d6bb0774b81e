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
    List<AIJob> createdUnrecorded = federation.createdButNotRecorded(jobs);
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
      for (int i = 0; i < 6; i++) {
        sequence = beat(agent);
      }
      Availability before = awaitRecorded(name, sequence);
      assertThat(before.getEpochHeartbeats()).isGreaterThanOrEqualTo(6);

      federation.operator.kill();
      federation.operator.start();
      // As an agent does, heartbeats go on: the first ones may come before the new operator has
      // read the node's key again, and are refused as from an unknown node.
      int sent = 0;
      Availability now = null;
      while (now == null && sent < 5) {
        beat(agent);
        sent++;
        Availability written =
            federation
                .host
                .resources(ComputeNode.class)
                .withName(name)
                .get()
                .getStatus()
                .getAvailability();
        if (written.getLastSequence() > before.getLastSequence()) {
          now = written;
        }
      }
      if (now == null) {
        now = awaitRecorded(name, before.getLastSequence() + sent);
      }

      // An epoch boundary between the two would rightly start a new count.
      Assumptions.assumeTrue(before.getEpoch().equals(now.getEpoch()), "same epoch");
      // Counted afresh, the epoch would hold at most the heartbeats sent since the restart.
      assertThat(now.getEpochHeartbeats())
          .isGreaterThan(before.getEpochHeartbeats())
          .isLessThanOrEqualTo(before.getEpochHeartbeats() + sent);
    }
  }

  /** One heartbeat, then more than the status interval: each is written to status. */
  private static long beat(SimulatedAgent agent) throws Exception {
    var heartbeat = agent.nextHeartbeat();
    agent.publish(heartbeat);
    Thread.sleep(2_500);
    return heartbeat.heartbeat().sequence();
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
