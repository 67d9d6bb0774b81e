package io.aifabric.escrow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.Payment;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the bridge keeps of the receipts it hears on the broker. */
class ReceiptBookTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UID = "job-uid";
  private final NodeKey node = NodeKey.generate(RANDOM);
  private final ReceiptAdmission admission = new ReceiptAdmission();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ReceiptBook book =
      new ReceiptBook(registry, admission, Clock.systemUTC(), 64 * 1024);

  @BeforeEach
  void aJobAwaitingSettlementOnARegisteredNode() {
    admission.jobSeen(escrowJob(UID, 1));
    admission.nodeSeen(registered("dc-1.gpu-0", node));
  }

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
    admission.jobSeen(escrowJob("other-job", 1));
    ReceiptBook aged = new ReceiptBook(new SimpleMeterRegistry(), admission, clock, 64 * 1024);
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

  /**
   * 10,000 correctly signed receipts from fresh keys for jobs that do not exist: none is kept, they
   * take at most the intake's bytes, and the honest receipt of a real job is kept all the same.
   */
  @Test
  void junkSignedWithFreshKeysIsHeldWithinTheIntakeAndNeverKept() {
    for (int i = 0; i < 10_000; i++) {
      NodeKey fresh = NodeKey.generate(RANDOM);
      String job = "junk-" + i;
      WorkReceipt.Signed junk = receipt(job, fresh, fresh, 3_600);
      assertThat(book.take(Topics.receipt(fresh.address(), job), ReceiptCodec.encode(junk)))
          .isEqualTo("held");
    }
    assertThat(gauge("aifabric_bridge_receipt_intake_bytes"))
        .isPositive()
        .isLessThanOrEqualTo(64 * 1024);
    assertThat(registry.counter("aifabric_bridge_receipts_evicted_total").count()).isPositive();
    assertThat(gauge("aifabric_bridge_receipt_jobs")).isZero();

    assertThat(
            book.take(
                Topics.receipt(node.address(), UID), ReceiptCodec.encode(receipt(node, node, 30))))
        .isEqualTo("kept");
    assertThat(book.forJob(UID)).hasSize(1);
  }

  @Test
  void aReplicaTheJobDoesNotHaveIsRefused() {
    WorkReceipt r = new WorkReceipt(UID, 1, node.address(), 30, 0, new byte[32], 1L);
    byte[] payload = ReceiptCodec.encode(new WorkReceipt.Signed(r, node.sign(r.digest())));

    assertThat(book.take(Topics.receipt(node.address(), UID), payload))
        .isEqualTo("no_such_replica");
    assertThat(book.forJob(UID)).isEmpty();
  }

  /**
   * A receipt heard before its node's registration reached the ComputeNode (or before the bridge's
   * informers listed the job) is held, and kept as soon as the audit asks for the job's receipts.
   */
  @Test
  void aReceiptHeardBeforeItsNodeIsRegisteredIsKeptOnceItIs() {
    NodeKey late = NodeKey.generate(RANDOM);
    String topic = Topics.receipt(late.address(), UID);
    assertThat(book.take(topic, ReceiptCodec.encode(receipt(late, late, 20)))).isEqualTo("held");
    assertThat(book.forJob(UID)).isEmpty();

    admission.nodeSeen(registered("dc-1.gpu-1", late));

    assertThat(book.forJob(UID)).extracting(s -> s.receipt().gpuSeconds()).containsExactly(20L);
    assertThat(gauge("aifabric_bridge_receipt_intake_bytes")).isZero();
  }

  /** Two ComputeNodes with one key (a node listed again under a new name): one going leaves it. */
  @Test
  void aNodeStaysRegisteredWhileAnyComputeNodeNamesItsKey() {
    admission.nodeSeen(registered("dc-1.gpu-0-renamed", node));
    admission.nodeGone(registered("dc-1.gpu-0", node));

    assertThat(
            book.take(
                Topics.receipt(node.address(), UID), ReceiptCodec.encode(receipt(node, node, 30))))
        .isEqualTo("kept");

    admission.nodeGone(registered("dc-1.gpu-0-renamed", node));
    String other = "other-job";
    admission.jobSeen(escrowJob(other, 1));
    assertThat(
            book.take(
                Topics.receipt(node.address(), other),
                ReceiptCodec.encode(receipt(other, node, node, 30))))
        .isEqualTo("held");
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private static AIJob escrowJob(String uid, int replicas) {
    AIJob job = new AIJob();
    job.getMetadata().setUid(uid);
    AIJobSpec spec = new AIJobSpec();
    spec.setReplicas(replicas);
    Payment payment = new Payment();
    payment.setEscrow(true);
    spec.setPayment(payment);
    job.setSpec(spec);
    return job;
  }

  private static ComputeNode registered(String name, NodeKey key) {
    ComputeNode cn = new ComputeNode();
    cn.getMetadata().setName(name);
    ComputeNodeStatus status = new ComputeNodeStatus();
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(key.address().toString());
    status.setIdentity(identity);
    cn.setStatus(status);
    return cn;
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
