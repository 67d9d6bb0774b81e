package io.aifabric.escrow.audit;

import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BrokerMessages;
import io.aifabric.escrow.bridge.SignerRecovery;
import io.aifabric.protocol.BoundedHandoff;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The work receipts this bridge has seen itself, straight from the broker (agents publish them
 * retained, so a bridge that starts later still gets every one). Considered: receipts that arrived
 * on their node's topic for their job and whose signature recovers to the node they name. Kept:
 * those {@link ReceiptAdmission} admits — a replica that exists of a job awaiting settlement, from
 * a registered node; the rest (a job or a registration not heard of yet, or junk signed with fresh
 * keys) wait in a {@link ReceiptIntake} bounded in bytes, and are kept once admitted. One per job,
 * replica and node: a forger without the node's key cannot displace the node's own receipt. Whether
 * that node is the one the replica ran on, with that key registered, is for {@link JobAudit}.
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class ReceiptBook {
  private record Slot(int replica, String node) {}

  /** A job's receipts, and when the first of them was heard. */
  private record JobReceipts(Instant heard, Map<Slot, WorkReceipt.Signed> bySlot) {}

  private final Map<String, JobReceipts> byJob = new ConcurrentHashMap<>();
  private final ReceiptIntake intake;

  /** Null in tests that call take() directly. */
  private final BoundedHandoff handoff;

  private final ReceiptAdmission admission;
  private final MeterRegistry registry;
  private final Clock clock;

  @Inject
  public ReceiptBook(MeterRegistry registry, ReceiptAdmission admission, BridgeConfig config) {
    this(registry, admission, Clock.systemUTC(), config.receiptIntakeBytes(), true);
  }

  ReceiptBook(MeterRegistry registry, ReceiptAdmission admission, Clock clock, long intakeBytes) {
    this(registry, admission, clock, intakeBytes, false);
  }

  private ReceiptBook(
      MeterRegistry registry,
      ReceiptAdmission admission,
      Clock clock,
      long intakeBytes,
      boolean handOff) {
    this.registry = registry;
    this.admission = admission;
    this.clock = clock;
    this.intake = new ReceiptIntake(intakeBytes);
    // Checking a signature takes ~1 ms; the broker can deliver faster than that. The MQTT loop
    // only queues (bounded: a flood drops its excess, counted), one worker checks.
    this.handoff =
        handOff
            ? new BoundedHandoff(
                "receipt-book", intakeBytes, (topic, payload) -> count(take(topic, payload)))
            : null;
    registry.counter("aifabric_bridge_receipts_evicted_total"); // 0 from the start, for dashboards
    registry.counter("aifabric_bridge_receipts_expired_total");
    Gauge.builder("aifabric_bridge_receipt_jobs", byJob, Map::size)
        .description("Jobs whose receipts this bridge keeps")
        .register(registry);
    Gauge.builder("aifabric_bridge_receipt_intake_bytes", intake, ReceiptIntake::bytes)
        .description("Bytes of receipts held until their job or node is known (bounded)")
        .register(registry);
  }

  @Incoming("receipts")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    return BrokerMessages.handOff(handoff, message, this::count);
  }

  /**
   * Judges one message.
   *
   * @return the result counted in {@code aifabric_bridge_receipts_total{result}}
   */
  String take(String topic, byte[] payload) {
    if (payload.length == 0) {
      return "cleared"; // an empty retained message: the relayer cleared a settled job's receipt
    }
    WorkReceipt.Signed signed;
    try {
      signed = ReceiptCodec.decode(payload);
    } catch (MalformedMessageException e) {
      return "malformed";
    }
    WorkReceipt receipt = signed.receipt();
    if (topic != null && !topic.equals(Topics.receipt(receipt.node(), receipt.jobUid()))) {
      return "wrong_topic";
    }
    String signer =
        SignerRecovery.signer(receipt.digest(), signed.signature().toBytes()).orElse(null);
    if (!receipt.node().toString().equals(signer)) {
      return "bad_signature";
    }
    String node = receipt.node().toString();
    switch (admission.decide(receipt.jobUid(), receipt.replica(), node)) {
      case KEEP -> {
        keep(receipt.jobUid(), receipt.replica(), node, signed);
        return "kept";
      }
      case REFUSE -> {
        return "no_such_replica";
      }
      default -> {
        var key = new ReceiptIntake.Key(receipt.jobUid(), receipt.replica(), node);
        int evicted = intake.hold(key, signed, payload.length, clock.instant());
        if (evicted > 0) {
          registry.counter("aifabric_bridge_receipts_evicted_total").increment(evicted);
        }
        return "held";
      }
    }
  }

  private void keep(String jobUid, int replica, String node, WorkReceipt.Signed signed) {
    byJob
        .computeIfAbsent(jobUid, k -> new JobReceipts(clock.instant(), new ConcurrentHashMap<>()))
        .bySlot()
        .put(new Slot(replica, node), signed);
  }

  /**
   * Moves held receipts that are admitted now into the book and drops those refused now.
   *
   * @param jobUid only this job's, or null: all
   */
  void admitHeld(String jobUid) {
    for (var e :
        intake.takeOut(
            jobUid,
            k ->
                admission.decide(k.jobUid(), k.replica(), k.node())
                    != ReceiptAdmission.Decision.HOLD)) {
      ReceiptIntake.Key k = e.getKey();
      if (admission.decide(k.jobUid(), k.replica(), k.node()) == ReceiptAdmission.Decision.KEEP) {
        keep(k.jobUid(), k.replica(), k.node(), e.getValue());
      }
    }
  }

  /** The job's kept receipts, after admitting those held for it that can be now. */
  public List<WorkReceipt.Signed> forJob(String jobUid) {
    admitHeld(jobUid);
    JobReceipts receipts = byJob.get(jobUid);
    return receipts == null ? List.of() : List.copyOf(receipts.bySlot().values());
  }

  /** Drops a settled job's receipts. */
  public void forget(String jobUid) {
    byJob.remove(jobUid);
  }

  /**
   * Drops the receipts of every job {@code needed} says no longer needs them, once they are older
   * than {@code grace} (a receipt may be heard before the job's latest state is).
   *
   * @return how many jobs' receipts were dropped
   */
  public int forgetUnneeded(Predicate<String> needed, Duration grace) {
    Instant before = clock.instant().minus(grace);
    admitHeld(null);
    int expired = intake.dropHeardBefore(before);
    if (expired > 0) {
      registry.counter("aifabric_bridge_receipts_expired_total").increment(expired);
    }
    int dropped = 0;
    for (Map.Entry<String, JobReceipts> e : byJob.entrySet()) {
      if (e.getValue().heard().isBefore(before)
          && !needed.test(e.getKey())
          && byJob.remove(e.getKey(), e.getValue())) {
        dropped++;
      }
    }
    return dropped;
  }

  @PreDestroy
  void close() {
    if (handoff != null) {
      handoff.close();
    }
  }

  private void count(String result) {
    registry.counter("aifabric_bridge_receipts_total", "result", result).increment();
  }
}
