package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.escrow.bridge.EscrowChain;
import jakarta.enterprise.context.ApplicationScoped;

/** Runs {@link JobAudit} on a job with this bridge's own inputs: host caches, receipts, chain. */
@ApplicationScoped
public class Auditor {
  private final HostView host;
  private final ReceiptBook receipts;
  private final EscrowChain chain;

  public Auditor(HostView host, ReceiptBook receipts, EscrowChain chain) {
    this.host = host;
    this.receipts = receipts;
    this.chain = chain;
  }

  public Verdict audit(AIJob job) throws Exception {
    var placement = job.getStatus() == null ? null : job.getStatus().getPlacement();
    return JobAudit.audit(
        new JobAudit.Inputs(
            job,
            host.member(placement == null ? null : placement.getCluster()),
            host::computeNode,
            receipts.forJob(job.getMetadata().getUid()),
            // JobAudit asks only for a job that names its deposit.
            () -> chain.deposit(job.getSpec().getPayment().getEscrowDeposit())));
  }
}
