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

  public ReceiptReceiver(NodeKeys keys, WorkReceipts receipts, MeterRegistry registry) {
    this.keys = keys;
    this.receipts = receipts;
    this.registry = registry;
  }

  @Incoming("receipts")
  public CompletionStage<Void> receive(Message<byte[]> message) {
    String topic =
        message
            .getMetadata(ReceivingMqttMessageMetadata.class)
            .map(ReceivingMqttMessageMetadata::getTopic)
            .orElse(null);
    registry
        .counter("aifabric_receipts_total", "result", judge(topic, message.getPayload()))
        .increment();
    return message.ack();
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
      return "unknown_node";
    }
    if (!key.verifies(receipt.digest(), signed.signature())) {
      return "bad_signature";
    }
    receipts.received(computeNode.get(), receipt);
    return "signed";
  }
}
