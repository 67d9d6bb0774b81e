package io.aifabric.escrow.audit;

import io.aifabric.escrow.bridge.SignerRecovery;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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

  private final Map<String, Map<Slot, WorkReceipt.Signed>> byJob = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public ReceiptBook(MeterRegistry registry) {
    this.registry = registry;
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
        .computeIfAbsent(receipt.jobUid(), k -> new ConcurrentHashMap<>())
        .put(new Slot(receipt.replica(), receipt.node().toString()), signed);
    return "kept";
  }

  public List<WorkReceipt.Signed> forJob(String jobUid) {
    Map<Slot, WorkReceipt.Signed> receipts = byJob.get(jobUid);
    return receipts == null ? List.of() : List.copyOf(receipts.values());
  }

  /** Drops a settled job's receipts. */
  public void forget(String jobUid) {
    byJob.remove(jobUid);
  }

  private void count(String result) {
    registry.counter("aifabric_bridge_receipts_total", "result", result).increment();
  }
}
