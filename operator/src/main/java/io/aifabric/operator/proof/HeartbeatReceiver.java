package io.aifabric.operator.proof;

import io.aifabric.protocol.BoundedHandoff;
import io.aifabric.protocol.HeartbeatVerifier;
import io.aifabric.protocol.HeartbeatVerifier.Accepted;
import io.aifabric.protocol.HeartbeatVerifier.Rejected;
import io.aifabric.protocol.HeartbeatVerifier.Rejection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes node agents' heartbeats off the broker: each is checked ({@link HeartbeatVerifier}) and
 * either counts toward its node's availability or is refused, counted by reason in {@code
 * aifabric_heartbeats_total{result=...}}, and never applied.
 */
@ApplicationScoped
public class HeartbeatReceiver {
  private static final Logger LOG = Logger.getLogger(HeartbeatReceiver.class);
  private static final String ACCEPTED = "accepted";
  private static final String DROPPED = "dropped";

  private final HeartbeatVerifier verifier;
  private final AvailabilityLedger ledger;
  private final MeterRegistry registry;
  private final Clock clock;

  /**
   * The MQTT loop only queues (8 MiB; a flood drops its excess, counted as dropped); one worker
   * verifies, in arrival order.
   */
  private final BoundedHandoff handoff;

  public HeartbeatReceiver(
      HeartbeatVerifier verifier, AvailabilityLedger ledger, MeterRegistry registry, Clock clock) {
    this.verifier = verifier;
    this.ledger = ledger;
    this.registry = registry;
    this.clock = clock;
    this.handoff = new BoundedHandoff("heartbeats", 8L << 20, this::judge);
    // Every result at 0 from the start, so a dashboard shows a quiet network's zeros.
    counter(ACCEPTED);
    counter(DROPPED);
    for (Rejection reason : Rejection.values()) {
      counter(label(reason));
    }
  }

  @Incoming("heartbeats")
  public CompletionStage<Void> receive(Message<byte[]> message) {
    if (!handoff.offer(NodeMessageReceiver.topicOf(message), message.getPayload())) {
      count(DROPPED);
    }
    return message.ack();
  }

  private void judge(String topic, byte[] payload) {
    HeartbeatVerifier.Verdict verdict = verifier.verify(topic, payload);
    if (verdict instanceof Accepted accepted) {
      var hb = accepted.heartbeat();
      ledger.accepted(
          hb.node(), hb.sequence(), Instant.ofEpochMilli(hb.timestampMillis()), clock.instant());
      count(ACCEPTED);
    } else {
      Rejected rejected = (Rejected) verdict;
      count(label(rejected.reason()));
      LOG.debugf("heartbeat on %s refused: %s (%s)", topic, rejected.reason(), rejected.detail());
    }
  }

  @PreDestroy
  void stopHandoff() {
    handoff.close();
  }

  private void count(String result) {
    counter(result).increment();
  }

  private Counter counter(String result) {
    return registry.counter("aifabric_heartbeats_total", "result", result);
  }

  /** A refusal's reason as its result label: {@code BAD_SIGNATURE} is {@code bad_signature}. */
  private static String label(Rejection reason) {
    return reason.name().toLowerCase(Locale.ROOT);
  }
}
