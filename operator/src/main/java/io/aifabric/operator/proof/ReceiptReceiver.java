package io.aifabric.operator.proof;

import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Takes work receipts off the broker: readable, on the node's own topic for that job, signed by the
 * node's registered key, or refused and counted by reason in {@code
 * aifabric_receipts_total{result=...}}. Whether the node ran that replica is the job's reconciler
 * to judge, against the job's placement.
 */
// A singleton, not a proxied bean: nothing injects it, and its base class has no no-args
// constructor.
@Singleton
public class ReceiptReceiver extends NodeMessageReceiver<WorkReceipt.Signed> {
  /** The result counted for a message taken. */
  private static final String SIGNED = "signed";

  private final WorkReceipts receipts;

  public ReceiptReceiver(NodeKeys keys, WorkReceipts receipts, MeterRegistry registry) {
    super(keys, registry, "aifabric_receipts_total", SIGNED);
    this.receipts = receipts;
  }

  @Incoming("receipts")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    return receive(message);
  }

  @Override
  Claim<WorkReceipt.Signed> decode(byte[] payload) throws MalformedMessageException {
    WorkReceipt.Signed signed = ReceiptCodec.decode(payload);
    WorkReceipt receipt = signed.receipt();
    return new Claim<>(
        signed,
        receipt.node(),
        Topics.receipt(receipt.node(), receipt.jobUid()),
        receipt.digest(),
        signed.signature());
  }

  @Override
  String accept(String computeNode, WorkReceipt.Signed receipt) {
    receipts.received(computeNode, receipt);
    return SIGNED;
  }
}
