package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.aijob.SettlementRefusal;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.audit.ReceiptBook;
import io.aifabric.escrow.bridge.BatchSpecs;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.SubmissionStatusPatch;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.web3j.crypto.Hash;

/**
 * The relayer role for settlements: takes a SettlementBatch from the oracles' signatures to a
 * settlement buried under enough blocks, one step per reconcile, every step's outcome in the
 * batch's status before the next step acts on it.
 *
 * <ul>
 *   <li><b>Collecting</b>: counts the signatures that recover to their oracle and that the escrow
 *       counts; at the threshold, Submitting. When so many oracles refused that no quorum is left,
 *       or the deadline passed, Abandoned: the planner builds a new batch without the jobs that
 *       cost the quorum ({@link RefusalTally}).
 *   <li><b>Submitting</b> and <b>Confirming</b>: {@link ChainSubmission}, the steps every action
 *       the relayer takes on chain shares. The batch is done on chain when the escrow's settlement
 *       nonce moved past it: by this batch (success, whoever sent it) or by another (Abandoned).
 *   <li>Once confirmed, each job's status gets its settlement, and the batch is Settled.
 * </ul>
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class RelayerDuty {
  private static final Logger LOG = Logger.getLogger(RelayerDuty.class);
  static final String ATTESTED = ChainSubmission.ATTESTED;
  static final String SETTLED = "Settled";
  private static final Duration SOON = ChainSubmission.SOON;

  private final BridgeConfig config;
  private final EscrowChain chain;
  private final TransactionSender sender;
  private final ChainSubmission submission;
  private final ReceiptBook receipts;
  private final SettledReceiptClearing clearing;
  private final BridgeEvents events;
  private final MeterRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final Conditions conditions = new Conditions(clock);

  public RelayerDuty(
      BridgeConfig config,
      EscrowChain chain,
      TransactionSender sender,
      ChainSubmission submission,
      ReceiptBook receipts,
      SettledReceiptClearing clearing,
      BridgeEvents events,
      MeterRegistry registry) {
    this.config = config;
    this.chain = chain;
    this.sender = sender;
    this.submission = submission;
    this.receipts = receipts;
    this.clearing = clearing;
    this.events = events;
    this.registry = registry;
    // 0 from the start, so a dashboard shows a quiet network's zeros rather than "no data".
    registry.counter("aifabric_bridge_jobs_settled_total");
    registry.counter("aifabric_bridge_forged_answers_total");
    ChainSubmission.registerSteps(registry, "aifabric_bridge_relay_steps_total");
  }

  public boolean enabled() {
    return sender.enabled();
  }

  /**
   * Takes the batch one step further.
   *
   * @return when to look again (null: only when the batch changes, or never)
   */
  public Duration advance(KubernetesClient client, SettlementBatch batch) throws Exception {
    SettlementBatchStatus status =
        SubmissionStatusPatch.copy(batch.getStatus(), SettlementBatchStatus::new);
    if (status.getPhase() == null) {
      status.setPhase(BatchPhase.Collecting);
      status.setJobs(batch.getSpec().getEntries().size());
      write(client, batch, status);
      return SOON;
    }
    return switch (status.getPhase()) {
      case Collecting -> collect(client, batch, status);
      case Submitting -> submit(client, batch, status);
      case Confirming -> confirm(client, batch, status);
      case Settled, Abandoned -> null;
    };
  }

  private Duration collect(KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s)
      throws Exception {
    SettlementBatchSpec spec = batch.getSpec();
    List<OracleSignatures.Signed> valid;
    OracleAnswers answers;
    try {
      // Checked once per look: each forged answer is counted once, each oracle asked about once.
      answers = answers(spec, s);
      valid = answers.signatures();
    } catch (IllegalArgumentException e) {
      return abandon(client, batch, s, "Malformed", e.getMessage());
    }
    int threshold = chain.threshold();
    int oracles = chain.oracleCount();
    if (valid.size() >= threshold) {
      s.setPhase(BatchPhase.Submitting);
      set(
          s,
          ATTESTED,
          Conditions.TRUE,
          "QuorumReached",
          valid.size() + " oracles signed, " + threshold + " needed");
      write(client, batch, s);
      return SOON;
    }
    List<Attestation> refusals = answers.refusals();
    if (oracles - refusals.size() < threshold) {
      Set<String> refusedJobs =
          RefusalTally.leftOut(
              refusals.stream().map(Attestation::getRefusedJobs).toList(), oracles, threshold);
      Instant retryAfter = clock.instant().plus(config.relayer().refusalHold());
      s.setRefusedJobs(new ArrayList<>(refusedJobs));
      s.setRefusedUntil(retryAfter.toString());
      String message =
          refusals.size()
              + " of "
              + oracles
              + " oracles refused; "
              + refusedJobs.size()
              + " jobs left out of batches until "
              + retryAfter
              + " (jobs only a minority refused go into the next batch again)";
      for (SettlementBatchSpec.BatchEntry e : spec.getEntries()) {
        if (refusedJobs.contains(e.getJobUid())) {
          holdBack(client, batch, e, refusals, retryAfter);
        }
      }
      return abandon(client, batch, s, "QuorumRefused", message);
    }
    if (chain.blockTime() >= spec.getDeadline()) {
      return abandon(client, batch, s, "Expired", "the deadline passed before a quorum signed");
    }
    set(
        s,
        ATTESTED,
        Conditions.FALSE,
        "Collecting",
        valid.size() + " of " + threshold + " signatures");
    write(client, batch, s);
    return Duration.ofSeconds(5);
  }

  private Duration submit(KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s)
      throws Exception {
    return submission.submit(new BatchAction(client, batch, s));
  }

  private Duration confirm(KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s)
      throws Exception {
    Optional<Long> deep = submission.confirm(new BatchAction(client, batch, s));
    if (deep.isEmpty()) {
      return SOON;
    }
    long depth = deep.get();
    Settlement settlement = new Settlement();
    settlement.setBatch(batch.getMetadata().getName());
    settlement.setTxHash(s.getTxHash());
    settlement.setBlockNumber(s.getBlockNumber());
    for (SettlementBatchSpec.BatchEntry e : batch.getSpec().getEntries()) {
      boolean skipped =
          s.getSkippedJobs() != null
              && s.getSkippedJobs() > 0
              && chain.refunded(e.getEscrowJobId());
      if (!skipped) {
        JobSettlements.record(client, e, settlement);
      }
      clearing.clear(e.getJobUid(), receipts.forJob(e.getJobUid()));
      receipts.forget(e.getJobUid());
    }
    s.setPhase(BatchPhase.Settled);
    String message =
        s.getSettledJobs()
            + " jobs settled in "
            + s.getTxHash()
            + " at block "
            + s.getBlockNumber()
            + ", "
            + depth
            + " blocks deep";
    set(s, SETTLED, Conditions.TRUE, "Confirmed", message);
    write(client, batch, s);
    events.record(batch, BridgeEvents.NORMAL, "Settled", message);
    registry.counter("aifabric_bridge_jobs_settled_total").increment(s.getSettledJobs());
    count("Settled");
    return null;
  }

  /** Tells the job, in its status and an Event, why it waits and until when. */
  private void holdBack(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchSpec.BatchEntry e,
      List<Attestation> refusals,
      Instant retryAfter) {
    String prefix = e.getJobNamespace() + "/" + e.getJobName() + ": ";
    SettlementRefusal refusal = new SettlementRefusal();
    refusal.setBatch(batch.getMetadata().getName());
    refusal.setRetryAfter(retryAfter.toString());
    for (Attestation a : refusals) {
      for (String reason : a.getRefusals()) {
        if (reason.startsWith(prefix)) {
          refusal.getReasons().add(reason.substring(prefix.length()));
        }
      }
    }
    JobSettlements.refused(client, e, refusal);
    events.record(
        jobRef(e),
        BridgeEvents.WARNING,
        "SettlementRefused",
        "oracles refused to attest this job ("
            + String.join("; ", refusal.getReasons())
            + "); audited again after "
            + retryAfter
            + "; see SettlementBatch "
            + batch.getMetadata().getName());
  }

  /** The oracles' answers to this batch that count. */
  private OracleAnswers answers(SettlementBatchSpec spec, SettlementBatchStatus s)
      throws Exception {
    return OracleAnswers.of(
        s.getAttestations(),
        BatchSpecs.digest(spec, chain),
        BatchSpecs.domain(chain),
        chain::isOracle,
        () -> registry.counter("aifabric_bridge_forged_answers_total").increment());
  }

  private Duration abandon(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchStatus s,
      String reason,
      String message) {
    s.setPhase(BatchPhase.Abandoned);
    set(s, SETTLED, Conditions.FALSE, reason, message);
    write(client, batch, s);
    events.record(batch, BridgeEvents.WARNING, reason, message);
    LOG.warnf("batch %s abandoned (%s): %s", batch.getMetadata().getName(), reason, message);
    count("Abandoned" + reason);
    return null;
  }

  private void set(
      SettlementBatchStatus s, String type, String status, String reason, String message) {
    conditions.set(s.getConditions(), type, status, reason, message, null);
  }

  private static void write(
      KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s) {
    SubmissionStatusPatch.relayIfChanged(client, batch, s);
  }

  /** A batch as the submission steps see it: the escrow's settle call under its nonce. */
  private final class BatchAction implements OnChainAction<EscrowChain.SettledBatch> {
    private final KubernetesClient client;
    private final SettlementBatch batch;
    private final SettlementBatchStatus s;

    BatchAction(KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s) {
      this.client = client;
      this.batch = batch;
      this.s = s;
    }

    @Override
    public SettlementBatch resource() {
      return batch;
    }

    @Override
    public SettlementBatchStatus status() {
      return s;
    }

    @Override
    public void write() {
      RelayerDuty.write(client, batch, s);
    }

    @Override
    public String contract() {
      return chain.escrowAddress();
    }

    @Override
    public long deadline() {
      return batch.getSpec().getDeadline();
    }

    /** Settled when the escrow's nonce moved past the batch's: by this batch, or by another. */
    @Override
    public Landing<EscrowChain.SettledBatch> landing() throws Exception {
      SettlementBatchSpec spec = batch.getSpec();
      if (chain.settlementNonce() <= spec.getNonce()) {
        return new Landing.NotYet<>();
      }
      Optional<EscrowChain.SettledBatch> landed = chain.settledBatch(spec.getNonce());
      if (landed.isEmpty()) {
        return new Landing.Lagging<>();
      }
      byte[] ours = Hash.sha3(BatchSpecs.message(spec).packedEntries());
      if (!Arrays.equals(landed.get().entriesHash(), ours)) {
        return new Landing.Taken<>(
            "another batch settled under nonce "
                + spec.getNonce()
                + " in "
                + landed.get().txHash());
      }
      return new Landing.Landed<>(
          landed.get().txHash(),
          landed.get().blockNumber(),
          landed.get().blockHash(),
          landed.get());
    }

    @Override
    public Optional<String> call() throws Exception {
      SettlementBatchSpec spec = batch.getSpec();
      List<OracleSignatures.Signed> quorum = answers(spec, s).signatures();
      int threshold = chain.threshold();
      if (quorum.size() < threshold) {
        // The oracle set changed since the quorum was reached: collect again.
        s.setPhase(BatchPhase.Collecting);
        set(
            s,
            ATTESTED,
            Conditions.FALSE,
            "QuorumLost",
            quorum.size() + " valid signatures, " + threshold + " needed");
        write();
        return Optional.empty();
      }
      return Optional.of(
          TransactionSender.settleCall(
              spec.getNonce(),
              spec.getDeadline(),
              BatchSpecs.message(spec).packedEntries(),
              OracleSignatures.combine(quorum.subList(0, threshold))));
    }

    @Override
    public void landed(EscrowChain.SettledBatch detail) {
      s.setSettledJobs((int) detail.settled());
      s.setSkippedJobs((int) detail.skipped());
    }

    @Override
    public Duration abandon(String reason, String message) {
      return RelayerDuty.this.abandon(client, batch, s, reason, message);
    }

    @Override
    public void event(String type, String reason, String message) {
      events.record(batch, type, reason, message);
    }

    @Override
    public void count(String step) {
      RelayerDuty.this.count(step);
    }
  }

  private static AIJob jobRef(SettlementBatchSpec.BatchEntry e) {
    AIJob job = new AIJob();
    job.getMetadata().setNamespace(e.getJobNamespace());
    job.getMetadata().setName(e.getJobName());
    job.getMetadata().setUid(e.getJobUid());
    return job;
  }

  /** Counts a step in {@code aifabric_bridge_relay_steps_total{step}}, labelled in snake case. */
  private void count(String step) {
    registry
        .counter("aifabric_bridge_relay_steps_total", "step", ChainSubmission.stepLabel(step))
        .increment();
  }
}
