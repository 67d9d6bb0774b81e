package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.escrow.audit.Auditor;
import io.aifabric.escrow.audit.HostView;
import io.aifabric.escrow.audit.JobAudit;
import io.aifabric.escrow.audit.Verdict;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Gathers finished jobs into the next SettlementBatch, every {@code batchInterval}: jobs that ran,
 * pay from an escrow deposit, are not settled, in no batch that settled or is on its way, and not
 * held back after a quorum of oracles refused them (until the batch's {@code refusedUntil}); each
 * passing the same audit the oracles will run. One batch is open at a time (the escrow settles
 * batches in nonce order); up to {@code maxJobs} per batch, in ascending escrow job id. The batch
 * is named after its nonce and attempt, so two planners racing (a failover) create it once.
 */
@ApplicationScoped
public class BatchPlanner {
  private static final Logger LOG = Logger.getLogger(BatchPlanner.class);

  private final KubernetesClient client;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final HostView host;
  private final Auditor auditor;
  private final RelayerDuty relayer;

  public BatchPlanner(
      KubernetesClient client,
      BridgeConfig config,
      EscrowChain chain,
      HostView host,
      Auditor auditor,
      RelayerDuty relayer) {
    this.client = client;
    this.config = config;
    this.chain = chain;
    this.host = host;
    this.auditor = auditor;
    this.relayer = relayer;
  }

  @Scheduled(
      every = "${aifabric.bridge.relayer.batch-interval:30s}",
      delayed = "2s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void plan() {
    if (!relayer.enabled()) {
      return;
    }
    try {
      planOnce();
    } catch (Exception e) {
      LOG.warnf("planning the next settlement batch: %s", e.getMessage());
    }
  }

  /**
   * @return the batch created, or null
   */
  SettlementBatch planOnce() throws Exception {
    List<SettlementBatch> batches =
        client.resources(SettlementBatch.class).inNamespace(config.namespace()).list().getItems();
    Set<String> taken = new HashSet<>();
    for (SettlementBatch b : batches) {
      BatchPhase phase = b.getStatus() == null ? null : b.getStatus().getPhase();
      if (phase != BatchPhase.Settled && phase != BatchPhase.Abandoned) {
        return null; // one batch at a time
      }
      if (phase == BatchPhase.Settled) {
        b.getSpec().getEntries().forEach(e -> taken.add(e.getJobUid()));
      }
      if (held(b.getStatus())) {
        taken.addAll(b.getStatus().getRefusedJobs());
      }
    }
    List<SettlementBatchSpec.BatchEntry> entries = new ArrayList<>();
    for (AIJob job : host.jobs()) {
      if (!candidate(job) || taken.contains(job.getMetadata().getUid())) {
        continue;
      }
      Verdict verdict = auditor.audit(job);
      if (!verdict.isPayable()) {
        LOG.debugf("not settling %s yet: %s", job.getMetadata().getName(), verdict.refusal());
        continue;
      }
      entries.add(entry(job, verdict.entry()));
    }
    if (entries.isEmpty()) {
      return null;
    }
    entries.sort(Comparator.comparing(SettlementBatchSpec.BatchEntry::getEscrowJobId));
    if (entries.size() > config.relayer().maxJobs()) {
      entries = new ArrayList<>(entries.subList(0, config.relayer().maxJobs()));
    }
    long nonce = chain.settlementNonce();
    SettlementBatchSpec spec = new SettlementBatchSpec();
    spec.setChainId(chain.chainId());
    spec.setEscrow(chain.escrowAddress());
    spec.setNonce(nonce);
    spec.setDeadline(chain.blockTime() + config.relayer().signatureLifetime().toSeconds());
    spec.setEntries(entries);
    long attempt = batches.stream().filter(b -> b.getSpec().getNonce() == nonce).count();
    SettlementBatch batch = new SettlementBatch();
    batch.getMetadata().setNamespace(config.namespace());
    batch.getMetadata().setName("settlement-" + nonce + "-" + attempt);
    batch.setSpec(spec);
    try {
      SettlementBatch created = client.resource(batch).create();
      LOG.infof(
          "batch %s: %d jobs, nonce %d", created.getMetadata().getName(), entries.size(), nonce);
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null; // another planner made it
      }
      throw e;
    }
  }

  /** Whether the jobs an abandoned batch left out are still held back from new batches. */
  private static boolean held(SettlementBatchStatus status) {
    return status.getRefusedUntil() != null
        && Instant.now().isBefore(Instant.parse(status.getRefusedUntil()));
  }

  private static boolean candidate(AIJob job) {
    var status = job.getStatus();
    return JobAudit.awaitsSettlement(job)
        && status != null
        && (status.getPhase() == JobPhase.Succeeded || status.getPhase() == JobPhase.Failed);
  }

  private static SettlementBatchSpec.BatchEntry entry(AIJob job, SettlementEntry settlement) {
    SettlementBatchSpec.BatchEntry entry = new SettlementBatchSpec.BatchEntry();
    entry.setJobNamespace(job.getMetadata().getNamespace());
    entry.setJobName(job.getMetadata().getName());
    entry.setJobUid(job.getMetadata().getUid());
    entry.setEscrowJobId(settlement.jobId());
    entry.setProviderId(settlement.providerId());
    entry.setUsedGwei(settlement.usedGwei());
    return entry;
  }
}
