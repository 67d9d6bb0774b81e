package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.aijob.SettlementRefusal;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.BatchTransaction;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.SettlementMessage;
import io.aifabric.escrow.audit.ReceiptBook;
import io.aifabric.escrow.bridge.AttestationCheck;
import io.aifabric.escrow.bridge.BatchSpecs;
import io.aifabric.escrow.bridge.BatchStatusPatch;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * The relayer role: takes a SettlementBatch from the oracles' signatures to a settlement buried
 * under enough blocks, one step per reconcile, every step's outcome in the batch's status before
 * the next step acts on it.
 *
 * <ul>
 *   <li><b>Collecting</b>: counts the signatures that recover to their oracle and that the escrow
 *       counts; at the threshold, Submitting. When so many oracles refused that no quorum is left,
 *       or the deadline passed, Abandoned: the planner builds a new batch without the jobs that
 *       cost the quorum ({@link RefusalTally}).
 *   <li><b>Submitting</b>: first asks the chain whether this nonce is settled already — by this
 *       batch (success, whoever sent it) or another (Abandoned). Then looks up every transaction it
 *       ever recorded. With none mined it signs a transaction, <em>records it in the status,
 *       then</em> broadcasts it; a crash in between leaves a recorded transaction that is looked up
 *       and, if the node never got it, broadcast again. A transaction missing from the pool is
 *       broadcast again; one stuck longer than {@code stuckAfter} is replaced with a higher fee and
 *       the same account nonce; a nonce taken by another transaction or a gap below it gets a new
 *       transaction at the right nonce. Whichever of them is mined, the escrow's nonce lets only
 *       one settle the batch.
 *   <li><b>Confirming</b>: waits for {@code confirmations} blocks; a reorg that drops or moves the
 *       transaction sends the batch back to Submitting (the same signed transaction goes out
 *       again). Then each job's status gets its settlement, and the batch is Settled.
 * </ul>
 */
@ApplicationScoped
public class RelayerDuty {
  private static final Logger LOG = Logger.getLogger(RelayerDuty.class);
  static final String ATTESTED = "Attested";
  static final String SUBMITTED = "Submitted";
  static final String SETTLED = "Settled";
  private static final Duration SOON = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofSeconds(2);

  private final BridgeConfig config;
  private final EscrowChain chain;
  private final TransactionSender sender;
  private final Failpoint failpoint;
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
      Failpoint failpoint,
      ReceiptBook receipts,
      SettledReceiptClearing clearing,
      BridgeEvents events,
      MeterRegistry registry) {
    this.config = config;
    this.chain = chain;
    this.sender = sender;
    this.failpoint = failpoint;
    this.receipts = receipts;
    this.clearing = clearing;
    this.events = events;
    this.registry = registry;
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
    SettlementBatchStatus status = BatchStatusPatch.copy(batch.getStatus());
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
    Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> answers;
    try {
      // Checked once per look: each forged answer is counted once, each oracle asked about once.
      answers = genuineAnswers(spec, s);
      valid = validSignatures(answers);
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
    List<Attestation> refusals = signedRefusals(answers);
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
    SettlementBatchSpec spec = batch.getSpec();
    SettlementMessage message = BatchSpecs.message(spec);
    if (chain.settlementNonce() > spec.getNonce()) {
      Optional<EscrowChain.SettledBatch> landed = chain.settledBatch(spec.getNonce());
      if (landed.isEmpty()) {
        return POLL; // the node's logs lag its state for a moment
      }
      if (!Arrays.equals(landed.get().entriesHash(), Hash.sha3(message.packedEntries()))) {
        return abandon(
            client,
            batch,
            s,
            "NonceTaken",
            "another batch settled under nonce "
                + spec.getNonce()
                + " in "
                + landed.get().txHash());
      }
      boolean ours =
          s.getTransactions().stream()
              .anyMatch(t -> t.getHash().equalsIgnoreCase(landed.get().txHash()));
      return mined(client, batch, s, landed.get(), ours ? "Mined" : "AlreadySettled");
    }
    BatchTransaction reverted = null;
    TransactionReceipt revertedReceipt = null;
    for (BatchTransaction tx : s.getTransactions()) {
      Optional<TransactionReceipt> receipt = chain.receipt(tx.getHash());
      if (receipt.isPresent() && receipt.get().isStatusOK()) {
        return POLL; // mined and successful: the escrow's nonce shows it in a moment
      }
      if (receipt.isPresent() && reverted == null) {
        reverted = tx;
        revertedReceipt = receipt.get();
      }
    }
    if (reverted != null) {
      // The batch's transactions all carry its settlement nonce: when a gap is filled, the one at
      // the lower account nonce settles the batch and the other then reverts on the used nonce,
      // possibly after the escrow's nonce was read above. The escrow decides, not the revert.
      if (chain.settlementNonce() > spec.getNonce()) {
        return POLL;
      }
      return abandon(
          client,
          batch,
          s,
          "Reverted",
          "transaction "
              + reverted.getHash()
              + " reverted"
              + (revertedReceipt.getRevertReason() == null
                  ? ""
                  : ": " + revertedReceipt.getRevertReason()));
    }
    if (chain.blockTime() >= spec.getDeadline()) {
      return abandon(client, batch, s, "Expired", "the deadline passed before the batch was mined");
    }
    if (s.getTransactions().isEmpty()) {
      return send(client, batch, s, sender.pendingNonce(), "Broadcast");
    }
    BatchTransaction last = s.getTransactions().get(s.getTransactions().size() - 1);
    long mined = chain.minedNonce(sender.address());
    if (mined > last.getNonce()) {
      // None of ours was mined, yet the account's nonce moved past it: something else used it.
      return send(client, batch, s, sender.pendingNonce(), "NonceReused");
    }
    boolean stuck =
        Instant.parse(last.getSignedAt())
            .plus(config.relayer().stuckAfter())
            .isBefore(Instant.now());
    if (!chain.knows(last.getHash())) {
      if (last.getNonce() > mined) {
        return send(client, batch, s, mined, "NonceGap");
      }
      LOG.infof(
          "batch %s: transaction %s is not in the pool (dropped, or a reorg); broadcasting it again",
          batch.getMetadata().getName(), last.getHash());
      Optional<String> refusal = broadcast(last);
      if (refusal.isEmpty()) {
        count("Rebroadcast");
        return POLL;
      }
      // The node will not take it back as it is (its fee cap is below the base fee now, say).
      return replace(client, batch, s, last);
    }
    if (!stuck) {
      return POLL;
    }
    if (last.getNonce() > mined) {
      // Waiting on a nonce below it that nothing will fill: take that nonce instead.
      return send(client, batch, s, mined, "NonceGap");
    }
    return replace(client, batch, s, last);
  }

  /** Replaces a transaction with one at the same account nonce and a higher fee. */
  private Duration replace(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchStatus s,
      BatchTransaction last)
      throws Exception {
    Optional<TransactionSender.Fees> fees = sender.replacementFees(last);
    if (fees.isEmpty()) {
      set(
          s,
          SUBMITTED,
          Conditions.FALSE,
          "FeeCapReached",
          "transaction " + last.getHash() + " is stuck and a replacement would pass the fee cap");
      write(client, batch, s);
      return config.relayer().stuckAfter();
    }
    return sign(client, batch, s, last.getNonce(), fees.get(), "Replaced");
  }

  private Duration send(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchStatus s,
      long nonce,
      String reason)
      throws Exception {
    return sign(client, batch, s, nonce, sender.freshFees(), reason);
  }

  /** Signs, records, then broadcasts a settlement transaction at the given account nonce. */
  private Duration sign(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchStatus s,
      long nonce,
      TransactionSender.Fees fees,
      String reason)
      throws Exception {
    SettlementBatchSpec spec = batch.getSpec();
    SettlementMessage message = BatchSpecs.message(spec);
    List<OracleSignatures.Signed> quorum = validSignatures(genuineAnswers(spec, s));
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
      write(client, batch, s);
      return SOON;
    }
    String data =
        TransactionSender.settleCall(
            spec.getNonce(),
            spec.getDeadline(),
            message.packedEntries(),
            OracleSignatures.combine(quorum.subList(0, threshold)));
    java.math.BigInteger gas;
    try {
      gas = sender.gasLimit(data);
    } catch (TransactionSender.Refused e) {
      if (chain.settlementNonce() > spec.getNonce()) {
        return SOON; // settled meanwhile: the next look finds by whom
      }
      return abandon(client, batch, s, "WouldRevert", e.getMessage());
    }
    BatchTransaction tx = sender.sign(data, nonce, gas, fees);
    s.getTransactions().add(tx);
    set(
        s,
        SUBMITTED,
        Conditions.FALSE,
        reason,
        "transaction "
            + tx.getHash()
            + " (account nonce "
            + nonce
            + ", max fee "
            + tx.getMaxFeePerGas()
            + " wei) broadcast");
    write(client, batch, s);
    failpoint.reach(Failpoint.AFTER_RECORD);
    broadcast(tx);
    failpoint.reach(Failpoint.AFTER_BROADCAST);
    count(reason);
    events.record(
        batch,
        BridgeEvents.NORMAL,
        reason,
        s.getConditions().stream()
            .filter(c -> c.getType().equals(SUBMITTED))
            .findFirst()
            .orElseThrow()
            .getMessage());
    return POLL;
  }

  /**
   * Broadcasts, never failing: whether the transaction arrived is found out by its hash.
   *
   * @return the node's refusal, unless it already has the transaction
   */
  private Optional<String> broadcast(BatchTransaction tx) {
    try {
      Optional<String> refusal = sender.broadcast(tx);
      refusal.ifPresent(r -> LOG.infof("node on %s: %s", tx.getHash(), r));
      return refusal.filter(r -> !r.toLowerCase(Locale.ROOT).contains("already known"));
    } catch (IOException e) {
      // It may have arrived or not: the next step looks it up by its hash either way.
      LOG.warnf("broadcasting %s: %s; looking it up next", tx.getHash(), e.getMessage());
      return Optional.empty();
    }
  }

  private Duration mined(
      KubernetesClient client,
      SettlementBatch batch,
      SettlementBatchStatus s,
      EscrowChain.SettledBatch landed,
      String reason)
      throws Exception {
    s.setPhase(BatchPhase.Confirming);
    s.setTxHash(landed.txHash());
    s.setBlockNumber(landed.blockNumber());
    s.setBlockHash(landed.blockHash());
    s.setSettledJobs((int) landed.settled());
    s.setSkippedJobs((int) landed.skipped());
    set(
        s,
        SUBMITTED,
        Conditions.TRUE,
        reason,
        "settled in " + landed.txHash() + " at block " + landed.blockNumber());
    write(client, batch, s);
    count(reason);
    return SOON;
  }

  private Duration confirm(KubernetesClient client, SettlementBatch batch, SettlementBatchStatus s)
      throws Exception {
    Optional<TransactionReceipt> receipt = chain.receipt(s.getTxHash());
    if (receipt.isEmpty() || !receipt.get().getBlockHash().equalsIgnoreCase(s.getBlockHash())) {
      String message =
          "transaction "
              + s.getTxHash()
              + " left block "
              + s.getBlockNumber()
              + " (a reorg); submitting again";
      LOG.warnf("batch %s: %s", batch.getMetadata().getName(), message);
      s.setPhase(BatchPhase.Submitting);
      s.setTxHash(null);
      s.setBlockNumber(null);
      s.setBlockHash(null);
      set(s, SUBMITTED, Conditions.FALSE, "Reorged", message);
      write(client, batch, s);
      events.record(batch, BridgeEvents.WARNING, "Reorged", message);
      count("Reorged");
      return SOON;
    }
    long depth = chain.blockNumber() - receipt.get().getBlockNumber().longValueExact() + 1;
    if (depth < config.relayer().confirmations()) {
      return SOON;
    }
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

  /**
   * Signatures over this batch's digest that recover to the oracle they are filed under and that
   * the escrow counts, by ascending signer.
   */
  private static List<OracleSignatures.Signed> validSignatures(
      Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> answers) {
    List<OracleSignatures.Signed> valid = new ArrayList<>();
    for (Map.Entry<String, Attestation> a :
        answers.getOrDefault(AttestationCheck.Answer.SIGNED, List.of())) {
      valid.add(
          new OracleSignatures.Signed(
              a.getKey().toLowerCase(Locale.ROOT),
              Numeric.hexStringToByteArray(a.getValue().getSignature())));
    }
    valid.sort(Comparator.comparing(v -> Numeric.toBigInt(v.signer())));
    return valid;
  }

  /**
   * For each oracle that refused this batch under its own signature, the UIDs of the jobs it
   * refused. Unsigned refusals, and refusals filed under one oracle but signed by another, count
   * for nothing: one oracle cannot refuse in the others' names.
   */
  private static List<Attestation> signedRefusals(
      Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> answers) {
    return answers.getOrDefault(AttestationCheck.Answer.REFUSED, List.of()).stream()
        .map(Map.Entry::getValue)
        .toList();
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

  /**
   * The answers, by kind, that are provably their oracle's ({@link AttestationCheck}) from oracles
   * the escrow counts; the others are logged, counted and ignored.
   */
  private Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> genuineAnswers(
      SettlementBatchSpec spec, SettlementBatchStatus s) throws Exception {
    byte[] digest = BatchSpecs.digest(spec, chain);
    ContractDomain domain = BatchSpecs.domain(chain);
    Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> genuine =
        new java.util.EnumMap<>(AttestationCheck.Answer.class);
    for (Map.Entry<String, Attestation> a : s.getAttestations().entrySet()) {
      Optional<AttestationCheck.Answer> answer =
          AttestationCheck.verify(a.getKey(), a.getValue(), digest, domain);
      if (answer.isEmpty()) {
        LOG.warnf(
            "the answer filed under %s is not signed by it for this batch; ignored", a.getKey());
        registry.counter("aifabric_bridge_forged_answers_total").increment();
      } else if (chain.isOracle(a.getKey())) {
        genuine.computeIfAbsent(answer.get(), k -> new ArrayList<>()).add(a);
      }
    }
    return genuine;
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
    if (!Objects.equals(batch.getStatus(), s)) {
      SettlementBatch written = BatchStatusPatch.relay(client, batch, s);
      batch.setMetadata(written.getMetadata());
      batch.setStatus(written.getStatus());
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
    String label = step.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    registry.counter("aifabric_bridge_relay_steps_total", "step", label).increment();
  }
}
