package io.aifabric.escrow.oracle;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.escrow.audit.Auditor;
import io.aifabric.escrow.audit.HostView;
import io.aifabric.escrow.audit.Verdict;
import io.aifabric.escrow.bridge.BatchSpecs;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.KeyFile;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.crypto.Credentials;

/**
 * The oracle role: for each SettlementBatch it has not answered, audits every job on its own view
 * ({@link Auditor}: receipts it received itself, the host's objects, the chain) and checks the
 * batch is for this chain and escrow and expires soon enough. If every entry is exactly what it
 * finds itself, it signs the batch's EIP-712 digest — computed from its own configuration, never
 * taken from the batch; otherwise it refuses, naming each job and why ({@link OracleAnswer}).
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class OracleDuty {
  private static final Logger LOG = Logger.getLogger(OracleDuty.class);

  private final Optional<Credentials> key;
  private final String address;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final HostView host;
  private final Auditor auditor;
  private final BridgeEvents events;
  private final MeterRegistry registry;

  public OracleDuty(
      BridgeConfig config,
      EscrowChain chain,
      HostView host,
      Auditor auditor,
      BridgeEvents events,
      MeterRegistry registry) {
    this.config = config;
    this.key = config.oracle().keyFile().map(KeyFile::read);
    this.address = key.map(k -> k.getAddress().toLowerCase(Locale.ROOT)).orElse(null);
    this.chain = chain;
    this.host = host;
    this.auditor = auditor;
    this.events = events;
    this.registry = registry;
    OracleAnswer.registerResults(registry, "aifabric_bridge_attestations_total");
    key.ifPresent(
        k -> LOG.infof("oracle %s attests for escrow %s", address, chain.escrowAddress()));
  }

  public boolean enabled() {
    return key.isPresent();
  }

  /**
   * Answers the batch if this oracle has not yet.
   *
   * @return the batch as written, or the batch given when there was nothing to do
   */
  public SettlementBatch attend(KubernetesClient client, SettlementBatch batch) throws Exception {
    if (!enabled()) {
      return batch;
    }
    var status = batch.getStatus();
    if (status != null
        && (status.getPhase() == BatchPhase.Settled || status.getPhase() == BatchPhase.Abandoned)) {
      return batch;
    }
    byte[] digest;
    try {
      digest = BatchSpecs.digest(batch.getSpec(), chain);
    } catch (IllegalArgumentException malformed) {
      // Nothing to sign or refuse: the relayer abandons a malformed batch itself.
      LOG.debugf(
          "batch %s is malformed: %s", batch.getMetadata().getName(), malformed.getMessage());
      return batch;
    }
    return OracleAnswer.file(
        client,
        batch,
        address,
        key.get().getEcKeyPair(),
        digest,
        BatchSpecs.domain(chain),
        () -> audit(batch.getSpec()),
        events,
        this::count);
  }

  /** The batch as a whole, then each job, on this oracle's own view. */
  private OracleAnswer.Findings audit(SettlementBatchSpec spec) throws Exception {
    List<String> refusals = refusalsOfBatch(spec);
    List<String> refusedJobs = new ArrayList<>();
    if (refusals.isEmpty()) {
      for (SettlementBatchSpec.BatchEntry entry : spec.getEntries()) {
        String refusal = refusalOf(entry);
        if (refusal != null) {
          refusals.add(entry.getJobNamespace() + "/" + entry.getJobName() + ": " + refusal);
          refusedJobs.add(entry.getJobUid());
        }
      }
    }
    return new OracleAnswer.Findings(refusals, refusedJobs);
  }

  /** Whether the batch as a whole is one this oracle may sign at all. */
  private List<String> refusalsOfBatch(SettlementBatchSpec spec) throws Exception {
    return OracleAnswer.whereAndWhen(
        "batch",
        spec.getChainId(),
        chain.chainId(),
        "escrow",
        spec.getEscrow(),
        chain.escrowAddress(),
        spec.getDeadline(),
        chain.blockTime(),
        config.oracle().maxSignatureLifetime());
  }

  /** Why this oracle will not vouch for one entry, or null when it finds exactly that entry. */
  private String refusalOf(SettlementBatchSpec.BatchEntry entry) throws Exception {
    AIJob job = host.job(entry.getJobNamespace(), entry.getJobName());
    if (job == null || !job.getMetadata().getUid().equals(entry.getJobUid())) {
      return "no such job (uid " + entry.getJobUid() + ")";
    }
    Verdict verdict = auditor.audit(job);
    if (!verdict.isPayable()) {
      return verdict.refusal();
    }
    SettlementEntry found = verdict.entry();
    SettlementEntry claimed =
        new SettlementEntry(entry.getEscrowJobId(), entry.getProviderId(), entry.getUsedGwei());
    if (!found.equals(claimed)) {
      return "the batch says escrow job "
          + claimed.jobId()
          + ", provider "
          + claimed.providerId()
          + ", "
          + claimed.usedGwei()
          + " gwei; this oracle finds escrow job "
          + found.jobId()
          + ", provider "
          + found.providerId()
          + ", "
          + found.usedGwei()
          + " gwei";
    }
    return null;
  }

  private void count(String result) {
    registry.counter("aifabric_bridge_attestations_total", "result", result).increment();
  }
}
