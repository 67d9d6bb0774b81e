package io.aifabric.escrow.audit;

import io.aifabric.escrow.bridge.SignerRecovery;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
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
 * retained, so a bridge that starts later still gets every one). Kept: receipts that arrived on
 * their node's topic for their job and whose signature recovers to the node they name. One per job,
 * replica and node: a forger without the node's key cannot displace the node's own receipt. Whether
 * that node is the one the replica ran on, with that key registered, is for {@link JobAudit}.
 */
@ApplicationScoped
public class ReceiptBook {
  private record Slot(int replica, String node) {}

  /** A job's receipts, and when the first of them was heard. */
  private record JobReceipts(Instant heard, Map<Slot, WorkReceipt.Signed> bySlot) {}

  private final Map<String, JobReceipts> byJob = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final Clock clock;

  @Inject
  public ReceiptBook(MeterRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  ReceiptBook(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    Gauge.builder("aifabric_bridge_receipt_jobs", byJob, Map::size)
        .description("Jobs whose receipts this bridge holds in memory")
        .register(registry);
  }

  @Incoming("receipts")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    String topic =
        message
            .getMetadata(ReceivingMqttMessageMetadata.class)
            .map(ReceivingMqttMessageMetadata::getTopic)
            .orElse(null);
    count(take(topic, message.getPayload()));
    return message.ack();
  }

  /**
   * Judges one message.
   *
   * @return the result counted in {@code aifabric_bridge_receipts_total{result}}
   */
  String take(String topic, byte[] payload) {
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
    byJob
        .computeIfAbsent(
            receipt.jobUid(), k -> new JobReceipts(clock.instant(), new ConcurrentHashMap<>()))
        .bySlot()
        .put(new Slot(receipt.replica(), receipt.node().toString()), signed);
    return "kept";
  }

  public List<WorkReceipt.Signed> forJob(String jobUid) {
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

  private void count(String result) {
    registry.counter("aifabric_bridge_receipts_total", "result", result).increment();
  }
}
