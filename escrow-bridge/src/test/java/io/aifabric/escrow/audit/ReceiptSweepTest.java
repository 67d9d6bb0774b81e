package io.aifabric.escrow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.Payment;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import org.junit.jupiter.api.Test;

/** Which jobs' receipts the bridge keeps past the grace: those a batch may still take. */
class ReceiptSweepTest {
  @Test
  void keepsOnlyJobsWithAnEscrowDepositNotSettledYet() {
    AIJob escrow = job(true);
    assertThat(JobAudit.awaitsSettlement(escrow)).isTrue();

    escrow.setStatus(new AIJobStatus());
    assertThat(JobAudit.awaitsSettlement(escrow)).as("running, not settled").isTrue();

    Settlement settlement = new Settlement();
    settlement.setTxHash("0xfeed");
    escrow.getStatus().setSettlement(settlement);
    assertThat(JobAudit.awaitsSettlement(escrow)).as("settled").isFalse();

    assertThat(JobAudit.awaitsSettlement(job(false))).as("paid another way").isFalse();
    AIJob unpaid = job(false);
    unpaid.getSpec().setPayment(null);
    assertThat(JobAudit.awaitsSettlement(unpaid)).as("no payment at all").isFalse();
  }

  private static AIJob job(boolean escrow) {
    AIJob job = new AIJob();
    AIJobSpec spec = new AIJobSpec();
    Payment payment = new Payment();
    payment.setEscrow(escrow);
    spec.setPayment(payment);
    job.setSpec(spec);
    return job;
  }
}
