package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ReceiptReceiverTest {
  final NodeKey node = NodeKey.generate(new SecureRandom());
  final NodeKey stranger = NodeKey.generate(new SecureRandom());
  final NodeKeys keys = new NodeKeys();
  final WorkReceipts receipts = new WorkReceipts();
  final ReceiptReceiver receiver = new ReceiptReceiver(keys, receipts, new SimpleMeterRegistry());

  WorkReceipt receipt(NodeKey of) {
    return new WorkReceipt("uid-1", 0, of.address(), 60, 0, new byte[32], 1L);
  }

  @Test
  void onlyARegisteredNodesSignedReceiptOnItsOwnTopicIsKept() {
    keys.register("member-a.gpu-00", node.publicKey());
    String topic = Topics.receipt(node.address(), "uid-1");
    assertThat(receiver.judge(topic, ReceiptCodec.encode(receipt(node).sign(node))))
        .isEqualTo("signed");
    assertThat(receipts.forJob("uid-1"))
        .extracting(WorkReceipts.Signed::computeNode)
        .containsExactly("member-a.gpu-00");
    var forged = new WorkReceipt.Signed(receipt(node), stranger.sign(receipt(node).digest()));
    assertThat(receiver.judge(topic, ReceiptCodec.encode(forged))).isEqualTo("bad_signature");
    assertThat(
            receiver.judge(
                Topics.receipt(stranger.address(), "uid-1"),
                ReceiptCodec.encode(receipt(stranger).sign(stranger))))
        .isEqualTo("unknown_node");
    assertThat(
            receiver.judge(
                Topics.receipt(node.address(), "other-job"),
                ReceiptCodec.encode(receipt(node).sign(node))))
        .isEqualTo("wrong_topic");
    assertThat(receipts.forJob("uid-1")).hasSize(1);
  }
}
