package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Runs {@link JobAudit} on a job with this bridge's own inputs: host caches, receipts, the members'
 * object stores, chain.
 */
@ApplicationScoped
public class Auditor {
  private final HostView host;
  private final ReceiptBook receipts;
  private final EscrowChain chain;
  private final BridgeConfig config;
  private final StoredOutputs outputs;

  public Auditor(
      HostView host,
      ReceiptBook receipts,
      EscrowChain chain,
      BridgeConfig config,
      StoredOutputs outputs) {
    this.host = host;
    this.receipts = receipts;
    this.chain = chain;
    this.config = config;
    this.outputs = outputs;
  }

  public Verdict audit(AIJob job) throws Exception {
    var placement = job.getStatus() == null ? null : job.getStatus().getPlacement();
    return JobAudit.audit(
        new JobAudit.Inputs(
            config.networkId(),
            job,
            host.member(placement == null ? null : placement.getCluster()),
            host::registeredNode,
            receipts.forJob(job.getMetadata().getUid()),
            outputs,
            chain::deposit));
  }
}
