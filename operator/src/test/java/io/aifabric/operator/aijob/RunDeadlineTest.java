package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.Payment;
import org.junit.jupiter.api.Test;

/** A member Job runs no longer than maxDuration, nor longer than its budget pays for. */
class RunDeadlineTest {
  @Test
  void aBudgetFor60GpuSecondsStopsTheJobAt60Seconds() {
    // 3.6 per GPU-hour is 0.001 per GPU-second: 0.06 pays for 60 GPU-seconds.
    assertThat(RunDeadline.seconds(spec("0.06", 1, 1, "1h"), "3.6")).isEqualTo(60);
  }

  @Test
  void everyGpuOfEveryReplicaIsPaidForTheWholeRun() {
    // 2 replicas × 4 GPUs burn 0.008 a second: 0.06 lasts 7.5 s, rounded down.
    assertThat(RunDeadline.seconds(spec("0.06", 4, 2, "1h"), "3.6")).isEqualTo(7);
  }

  @Test
  void aBudgetThatPaysForMoreThanMaxDurationLeavesMaxDuration() {
    assertThat(RunDeadline.seconds(spec("1000", 1, 1, "90m"), "3.6")).isEqualTo(5400);
  }

  @Test
  void aBudgetTooSmallForOneSecondStillGivesKubernetesAPositiveDeadline() {
    assertThat(RunDeadline.seconds(spec("0.0000001", 1, 1, "1h"), "3.6")).isEqualTo(1);
  }

  @Test
  void aFreePlacementRunsForMaxDuration() {
    assertThat(RunDeadline.seconds(spec("0.06", 1, 1, "2h"), "0")).isEqualTo(7200);
  }

  private static AIJobSpec spec(String budget, int gpus, int replicas, String maxDuration) {
    AIJobSpec spec = new AIJobSpec();
    GpuResources resources = new GpuResources();
    resources.setGpusPerReplica(gpus);
    spec.setResources(resources);
    spec.setReplicas(replicas);
    spec.setMaxDuration(maxDuration);
    Payment payment = new Payment();
    payment.setPayer("0x1111111111111111111111111111111111111111");
    payment.setBudget(budget);
    spec.setPayment(payment);
    return spec;
  }
}
