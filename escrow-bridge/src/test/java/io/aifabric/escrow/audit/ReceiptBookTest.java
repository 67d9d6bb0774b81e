package io.aifabric.escrow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** What the bridge keeps of the receipts it hears on the broker. */
class ReceiptBookTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UID = "job-uid";
  private final ReceiptBook book = new ReceiptBook(new SimpleMeterRegistry());
  private final NodeKey node = NodeKey.generate(RANDOM);

  @Test
  void keepsAReceiptSignedByTheNodeItNamesOnThatNodesTopic() {
    WorkReceipt.Signed signed = receipt(node, node, 30);

    assertThat(book.take(Topics.receipt(node.address(), UID), ReceiptCodec.encode(signed)))
        .isEqualTo("kept");
    assertThat(book.forJob(UID)).extracting(s -> s.receipt().gpuSeconds()).containsExactly(30L);
  }

  @Test
  void aForgedReceiptNeitherCountsNorDisplacesTheNodesOwn() {
    NodeKey forger = NodeKey.generate(RANDOM);
    String topic = Topics.receipt(node.address(), UID);
    book.take(topic, ReceiptCodec.encode(receipt(node, node, 30)));

    assertThat(book.take(topic, ReceiptCodec.encode(receipt(node, forger, 9_999))))
        .isEqualTo("bad_signature");
    assertThat(book.forJob(UID)).extracting(s -> s.receipt().gpuSeconds()).containsExactly(30L);
  }

  @Test
  void refusesReceiptsOnAnotherTopicAndUnreadableOnes() {
    NodeKey other = NodeKey.generate(RANDOM);
    WorkReceipt.Signed signed = receipt(node, node, 30);

    assertThat(book.take(Topics.receipt(other.address(), UID), ReceiptCodec.encode(signed)))
        .isEqualTo("wrong_topic");
    assertThat(book.take("t", "{not a receipt".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("malformed");
    assertThat(book.forJob(UID)).isEmpty();
  }

  @Test
  void forgetsASettledJob() {
    book.take(Topics.receipt(node.address(), UID), ReceiptCodec.encode(receipt(node, node, 30)));
    book.forget(UID);
    assertThat(book.forJob(UID)).isEmpty();
  }

  @Test
  void forgetsJobsThatNoLongerNeedTheirReceiptsOnceTheGraceIsOver() {
    MutableClock clock = new MutableClock();
    ReceiptBook aged = new ReceiptBook(new SimpleMeterRegistry(), clock);
    aged.take(Topics.receipt(node.address(), UID), ReceiptCodec.encode(receipt(node, node, 30)));
    aged.take(
        Topics.receipt(node.address(), "other-job"),
        ReceiptCodec.encode(receipt("other-job", node, node, 40)));
    Duration grace = Duration.ofMinutes(10);

    clock.advance(Duration.ofMinutes(9));
    assertThat(aged.forgetUnneeded(uid -> false, grace)).isZero();
    assertThat(aged.forJob(UID)).hasSize(1);

    clock.advance(Duration.ofMinutes(2));
    assertThat(aged.forgetUnneeded("other-job"::equals, grace)).isEqualTo(1);
    assertThat(aged.forJob(UID)).isEmpty();
    assertThat(aged.forJob("other-job"))
        .extracting(s -> s.receipt().gpuSeconds())
        .containsExactly(40L);
  }

  /** A receipt naming {@code named} as its node, signed with {@code signer}'s key. */
  private static WorkReceipt.Signed receipt(NodeKey named, NodeKey signer, long gpuSeconds) {
    return receipt(UID, named, signer, gpuSeconds);
  }

  private static WorkReceipt.Signed receipt(
      String jobUid, NodeKey named, NodeKey signer, long gpuSeconds) {
    WorkReceipt r = new WorkReceipt(jobUid, 0, named.address(), gpuSeconds, 0, new byte[32], 1L);
    return new WorkReceipt.Signed(r, signer.sign(r.digest()));
  }

  private static final class MutableClock extends Clock {
    private Instant now = Instant.parse("2026-11-30T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
