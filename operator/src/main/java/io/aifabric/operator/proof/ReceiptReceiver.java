package io.aifabric.operator.proof;

import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Takes work receipts off the broker: readable, on the node's own topic for that job, signed by the
 * node's registered key, or refused and counted by reason in {@code
 * aifabric_receipts_total{result=...}}. Whether the node ran that replica is the job's reconciler
 * to judge, against the job's placement.
 */
@ApplicationScoped
public class ReceiptReceiver {
  private final NodeKeys keys;
  private final WorkReceipts receipts;
  private final MeterRegistry registry;
  private final AwaitingKey awaitingKey = new AwaitingKey(10_000, 64);

  public ReceiptReceiver(NodeKeys keys, WorkReceipts receipts, MeterRegistry registry) {
    this.keys = keys;
    this.receipts = receipts;
    this.registry = registry;
    keys.onRegistered(this::retryHeld);
  }

  /** A node just registered: what it sent before is judged now. */
  void retryHeld(io.aifabric.protocol.EthAddress node) {
    for (AwaitingKey.Held held : awaitingKey.release(node)) {
      count(judge(held.topic(), held.payload()));
    }
  }

  @Incoming("receipts")
  public CompletionStage<Void> receive(Message<byte[]> message) {
    String topic =
        message
            .getMetadata(ReceivingMqttMessageMetadata.class)
            .map(ReceivingMqttMessageMetadata::getTopic)
            .orElse(null);
    count(judge(topic, message.getPayload()));
    return message.ack();
  }

  private void count(String result) {
    registry.counter("aifabric_receipts_total", "result", result).increment();
  }

  String judge(String topic, byte[] payload) {
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
    NodePublicKey key = keys.keyOf(receipt.node());
    var computeNode = keys.computeNodeOf(receipt.node());
    if (key == null || computeNode.isEmpty()) {
      awaitingKey.hold(signed.receipt().node(), topic, payload);
      return "unknown_node";
    }
    if (!key.verifies(receipt.digest(), signed.signature())) {
      return "bad_signature";
    }
    receipts.received(computeNode.get(), receipt);
    return "signed";
  }
}
