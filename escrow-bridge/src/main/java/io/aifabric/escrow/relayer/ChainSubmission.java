package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.BatchTransaction;
import io.aifabric.api.v1alpha1.settlement.ChainSubmissionStatus;
import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Takes an {@link OnChainAction} whose quorum of signatures is collected from Submitting through
 * Confirming, one step per call, every step's outcome in the action's status before the next step
 * acts on it.
 *
 * <ul>
 *   <li><b>Submitting</b>: first asks the chain whether the action is done already — by this
 *       relayer or anyone (success), or its place taken by something else (Abandoned). Then looks
 *       up every transaction ever recorded for it. With none mined it signs a transaction,
 *       <em>records it in the status, then</em> broadcasts it; a crash in between leaves a recorded
 *       transaction that is looked up and, if the node never got it, broadcast again. A transaction
 *       missing from the pool is broadcast again; one stuck longer than {@code stuckAfter} is
 *       replaced with a higher fee and the same account nonce; a nonce taken by another transaction
 *       or a gap below it gets a new transaction at the right nonce. Whichever of them is mined,
 *       the contract lets only one take effect. Transactions another relayer recorded are looked up
 *       like its own, but their account nonces are that relayer's business: while one is pending
 *       and not stuck this relayer waits; then it sends its own.
 *   <li><b>Confirming</b>: waits for {@code confirmations} blocks; a reorg that drops or moves the
 *       transaction sends the action back to Submitting (the same signed transaction goes out
 *       again).
 * </ul>
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class ChainSubmission {
  private static final Logger LOG = Logger.getLogger(ChainSubmission.class);
  public static final String ATTESTED = "Attested";
  public static final String SUBMITTED = "Submitted";
  static final Duration SOON = Duration.ofSeconds(1);
  static final Duration POLL = Duration.ofSeconds(2);

  private final BridgeConfig config;
  private final EscrowChain chain;
  private final TransactionSender sender;
  private final Failpoint failpoint;
  private final Conditions conditions = new Conditions(Clock.systemUTC());

  private final MeterRegistry metrics;

  public ChainSubmission(
      BridgeConfig config,
      EscrowChain chain,
      TransactionSender sender,
      Failpoint failpoint,
      MeterRegistry metrics) {
    this.config = config;
    this.chain = chain;
    this.sender = sender;
    this.failpoint = failpoint;
    this.metrics = metrics;
    // A series per kind from the start, so a dashboard shows a quiet chain's zeros.
    for (Class<? extends HasMetadata> kind :
        List.of(SettlementBatch.class, Slash.class, EpochReward.class)) {
      gasUsed(HasMetadata.getKind(kind));
    }
  }

  /** Gas per confirmed transaction, by the kind of what it took on chain. */
  private DistributionSummary gasUsed(String kind) {
    return DistributionSummary.builder("aifabric_bridge_gas_used")
        .description("Gas used by each confirmed transaction, by what it took on chain")
        .tag("kind", kind)
        .register(metrics);
  }

  /** The Submitting step. */
  public <D> Duration submit(OnChainAction<D> a) throws Exception {
    ChainSubmissionStatus s = a.status();
    Landing<D> landing = a.landing();
    if (landing instanceof Landing.Lagging<D>) {
      return POLL;
    }
    if (landing instanceof Landing.Taken<D> taken) {
      return a.abandon("NonceTaken", taken.message());
    }
    if (landing instanceof Landing.Landed<D> landed) {
      boolean ours =
          s.getTransactions().stream().anyMatch(t -> t.getHash().equalsIgnoreCase(landed.txHash()));
      return mined(a, landed, ours ? "Mined" : "AlreadyDone");
    }
    BatchTransaction reverted = null;
    TransactionReceipt revertedReceipt = null;
    for (BatchTransaction tx : s.getTransactions()) {
      Optional<TransactionReceipt> receipt = chain.receipt(tx.getHash());
      if (receipt.isPresent() && receipt.get().isStatusOK()) {
        return POLL; // mined and successful: the contract's state shows it in a moment
      }
      if (receipt.isPresent() && reverted == null) {
        reverted = tx;
        revertedReceipt = receipt.get();
      }
    }
    if (reverted != null) {
      // When a gap is filled, the transaction at the lower account nonce does the work and the
      // other then reverts on the contract's replay protection, possibly after the state was read
      // above. The contract's state decides, not the revert.
      if (a.landing().settled()) {
        return POLL;
      }
      return a.abandon(
          "Reverted",
          "transaction "
              + reverted.getHash()
              + " reverted"
              + (revertedReceipt.getRevertReason() == null
                  ? ""
                  : ": " + revertedReceipt.getRevertReason()));
    }
    if (chain.blockTime() >= a.deadline()) {
      return a.abandon("Expired", "the deadline passed before the transaction was mined");
    }
    List<BatchTransaction> own = s.getTransactions().stream().filter(sender::signedHere).toList();
    Optional<BatchTransaction> theirs =
        s.getTransactions().isEmpty()
            ? Optional.empty()
            : Optional.of(s.getTransactions().get(s.getTransactions().size() - 1))
                .filter(t -> !sender.signedHere(t));
    if (theirs.isPresent() && !stuck(theirs.get()) && chain.knows(theirs.get().getHash())) {
      return POLL; // another relayer's transaction is on its way: no second one yet
    }
    if (own.isEmpty()) {
      return send(a, sender.pendingNonce(), "Broadcast");
    }
    BatchTransaction last = own.get(own.size() - 1);
    long mined = chain.minedNonce(sender.address());
    if (mined > last.getNonce()) {
      // None of ours was mined, yet the account's nonce moved past it: something else used it.
      return send(a, sender.pendingNonce(), "NonceReused");
    }
    if (!chain.knows(last.getHash())) {
      if (last.getNonce() > mined) {
        return send(a, mined, "NonceGap");
      }
      LOG.infof(
          "%s: transaction %s is not in the pool (dropped, or a reorg); broadcasting it again",
          describe(a), last.getHash());
      Optional<String> refusal = broadcast(last);
      if (refusal.isEmpty()) {
        a.count("Rebroadcast");
        return POLL;
      }
      // The node will not take it back as it is (its fee cap is below the base fee now, say).
      return replace(a, last);
    }
    if (!stuck(last)) {
      return POLL;
    }
    if (last.getNonce() > mined) {
      // Waiting on a nonce below it that nothing will fill: take that nonce instead.
      return send(a, mined, "NonceGap");
    }
    return replace(a, last);
  }

  /**
   * The Confirming step.
   *
   * @return the transaction's depth once it is under {@code confirmations} blocks, or empty: look
   *     again after {@link #SOON} (the status says why: waiting, or back to Submitting)
   */
  public <D> Optional<Long> confirm(OnChainAction<D> a) throws Exception {
    ChainSubmissionStatus s = a.status();
    Optional<TransactionReceipt> receipt = chain.receipt(s.getTxHash());
    if (receipt.isEmpty() || !receipt.get().getBlockHash().equalsIgnoreCase(s.getBlockHash())) {
      String message =
          "transaction "
              + s.getTxHash()
              + " left block "
              + s.getBlockNumber()
              + " (a reorg); submitting again";
      LOG.warnf("%s: %s", describe(a), message);
      s.setPhase(BatchPhase.Submitting);
      s.setTxHash(null);
      s.setBlockNumber(null);
      s.setBlockHash(null);
      set(s, SUBMITTED, Conditions.FALSE, "Reorged", message);
      a.write();
      a.event(BridgeEvents.WARNING, "Reorged", message);
      a.count("Reorged");
      return Optional.empty();
    }
    long depth = chain.blockNumber() - receipt.get().getBlockNumber().longValueExact() + 1;
    if (depth < config.relayer().confirmations()) {
      return Optional.empty();
    }
    long gas = receipt.get().getGasUsed().longValueExact();
    s.setGasUsed(gas);
    gasUsed(a.resource().getKind()).record(gas);
    return Optional.of(depth);
  }

  /** Sets one of the action's conditions in its working copy. */
  public void set(ChainSubmissionStatus s, String type, String status, String reason, String msg) {
    conditions.set(s.getConditions(), type, status, reason, msg, null);
  }

  /**
   * Registers a steps counter at 0 for the steps every submission goes through or may meet, so a
   * dashboard shows a quiet chain's zeros rather than "no data".
   */
  public static void registerSteps(MeterRegistry metrics, String counter) {
    for (String step : List.of("Broadcast", "Mined", "Replaced", "Reorged")) {
      metrics.counter(counter, "step", stepLabel(step));
    }
  }

  /** A step's name as a metric label: {@code NonceGap} is {@code nonce_gap}. */
  public static String stepLabel(String step) {
    return step.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  private boolean stuck(BatchTransaction tx) {
    return Instant.parse(tx.getSignedAt())
        .plus(config.relayer().stuckAfter())
        .isBefore(Instant.now());
  }

  /** Replaces a transaction with one at the same account nonce and a higher fee. */
  private <D> Duration replace(OnChainAction<D> a, BatchTransaction last) throws Exception {
    Optional<TransactionSender.Fees> fees = sender.replacementFees(last);
    if (fees.isEmpty()) {
      set(
          a.status(),
          SUBMITTED,
          Conditions.FALSE,
          "FeeCapReached",
          "transaction " + last.getHash() + " is stuck and a replacement would pass the fee cap");
      a.write();
      return config.relayer().stuckAfter();
    }
    return sign(a, last.getNonce(), fees.get(), "Replaced");
  }

  private <D> Duration send(OnChainAction<D> a, long nonce, String reason) throws Exception {
    return sign(a, nonce, sender.freshFees(), reason);
  }

  /** Signs, records, then broadcasts a transaction at the given account nonce. */
  private <D> Duration sign(
      OnChainAction<D> a, long nonce, TransactionSender.Fees fees, String reason) throws Exception {
    ChainSubmissionStatus s = a.status();
    Optional<String> data = a.call();
    if (data.isEmpty()) {
      return SOON; // the quorum is gone: the action collects again
    }
    BigInteger gas;
    try {
      gas = sender.gasLimit(a.contract(), data.get());
    } catch (TransactionSender.Refused e) {
      if (a.landing().settled()) {
        return SOON; // done meanwhile: the next look finds by whom
      }
      return a.abandon("WouldRevert", e.getMessage());
    }
    BatchTransaction tx = sender.sign(a.contract(), data.get(), nonce, gas, fees);
    s.getTransactions().add(tx);
    String message =
        "transaction "
            + tx.getHash()
            + " (account nonce "
            + nonce
            + ", max fee "
            + tx.getMaxFeePerGas()
            + " wei) broadcast";
    set(s, SUBMITTED, Conditions.FALSE, reason, message);
    a.write();
    failpoint.reach(Failpoint.AFTER_RECORD);
    broadcast(tx);
    failpoint.reach(Failpoint.AFTER_BROADCAST);
    a.count(reason);
    a.event(BridgeEvents.NORMAL, reason, message);
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

  private <D> Duration mined(OnChainAction<D> a, Landing.Landed<D> landed, String reason) {
    ChainSubmissionStatus s = a.status();
    s.setPhase(BatchPhase.Confirming);
    s.setTxHash(landed.txHash());
    s.setBlockNumber(landed.blockNumber());
    s.setBlockHash(landed.blockHash());
    a.landed(landed.detail());
    set(
        s,
        SUBMITTED,
        Conditions.TRUE,
        reason,
        "landed in " + landed.txHash() + " at block " + landed.blockNumber());
    a.write();
    a.count(reason);
    return SOON;
  }

  private static String describe(OnChainAction<?> a) {
    return a.resource().getKind() + " " + a.resource().getMetadata().getName();
  }
}
