package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.TestBed;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A member's API server stops answering: after the grace period the member is not Ready, its
 * ComputeNodes are not Available, and its running job is placed on the other member. When it
 * answers again, its stale copy is removed before it counts as Ready: the job never runs twice.
 */
@Order(12)
class FailoverE2E extends FederatedE2E {
  @Test
  void aLostMembersJobMovesAndItsStaleCopyIsRemovedWhenItReturns(TestBed bed) throws IOException {
    // A100s exist in both members, so the job has somewhere to go.
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "survivor");
    job.getSpec().getResources().setGpuModels(List.of(FederationE2E.A100));
    job.getSpec().getEnv().add(FederationE2E.simulatedRuntime("300s"));
    job = federation.create(job);
    AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(60));
    String first = running.getStatus().getPlacement().getCluster();
    String other = first.equals("member-a") ? "member-b" : "member-a";
    List<String> firstCopy = federation.memberJobs(running);
    assertThat(firstCopy).hasSize(1).allMatch(c -> c.startsWith(first + "/"));

    bed.freeze(first, "kube-apiserver");
    try {
      var ready = federation.awaitCondition(first, "Ready", "False");
      assertThat(ready.getReason()).isEqualTo("Unreachable");
      assertThat(
              Federation.condition(federation.member(first), "Reachable").orElseThrow().getStatus())
          .isEqualTo("False");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          federation
                              .host
                              .resources(ComputeNode.class)
                              .withLabel("aifabric.io/cluster", first)
                              .list()
                              .getItems())
                      .isNotEmpty()
                      .allSatisfy(
                          cn ->
                              assertThat(cn.getStatus().getConditions())
                                  .anySatisfy(
                                      c -> {
                                        assertThat(c.getType()).isEqualTo("Available");
                                        assertThat(c.getStatus()).isEqualTo("False");
                                        assertThat(c.getReason()).isEqualTo("ClusterUnreachable");
                                      })));
      AIJob moved = job;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                AIJob current = federation.get(moved);
                return current.getStatus().getPlacement() != null
                    && other.equals(current.getStatus().getPlacement().getCluster())
                    && current.getStatus().getPhase() == JobPhase.Running;
              });
      // Events are written off the reconcile thread: wait for this one, do not race it.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(federation.eventReasons(moved)).contains("ClusterLost"));
    } finally {
      bed.thaw(first, "kube-apiserver");
    }
    federation.awaitCondition(first, "Ready", "True");
    // By the time the member is Ready again, the stale copy is gone: one copy, on the new member.
    List<String> copies = federation.memberJobs(job);
    assertThat(copies).hasSize(1).allMatch(c -> c.startsWith(other + "/"));
  }
}
