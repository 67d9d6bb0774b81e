package io.aifabric.protocol;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a heartbeat counts: readable, on its node's own topic, from a registered node,
 * fresh (within the allowed age and clock skew), signed by that node's key, and newer than every
 * heartbeat of that node seen before. Checks run cheapest first; the sequence is recorded only for
 * a heartbeat that passed everything, so a forgery can never advance it.
 */
public final class HeartbeatVerifier {
  public enum Rejection {
    MALFORMED,
    WRONG_TOPIC,
    UNKNOWN_NODE,
    STALE,
    FUTURE,
    BAD_SIGNATURE,
    REPLAYED
  }

  public sealed interface Verdict permits Accepted, Rejected {}

  public record Accepted(Heartbeat heartbeat) implements Verdict {}

  public record Rejected(Rejection reason, String detail) implements Verdict {}

  private final KeyDirectory keys;
  private final Clock clock;
  private final long maxAgeMillis;
  private final long maxSkewMillis;
  private final Map<EthAddress, Long> lastSequence = new ConcurrentHashMap<>();

  /**
   * @param maxAge how old a heartbeat may be when it arrives
   * @param maxSkew how far ahead of this clock a node's clock may be
   */
  public HeartbeatVerifier(KeyDirectory keys, Clock clock, Duration maxAge, Duration maxSkew) {
    this.keys = keys;
    this.clock = clock;
    this.maxAgeMillis = maxAge.toMillis();
    this.maxSkewMillis = maxSkew.toMillis();
  }

  public Verdict verify(String topic, byte[] payload) {
    Heartbeat.Signed signed;
    try {
      signed = HeartbeatCodec.decode(payload);
    } catch (MalformedMessageException e) {
      return new Rejected(Rejection.MALFORMED, e.getMessage());
    }
    Heartbeat hb = signed.heartbeat();
    if (topic != null && !topic.equals(Topics.heartbeat(hb.node()))) {
      return new Rejected(Rejection.WRONG_TOPIC, "published on " + topic + " for " + hb.node());
    }
    NodePublicKey key = keys.keyOf(hb.node());
    if (key == null) {
      return new Rejected(Rejection.UNKNOWN_NODE, hb.node() + " is not a registered node");
    }
    long now = clock.millis();
    if (hb.timestampMillis() < now - maxAgeMillis) {
      return new Rejected(
          Rejection.STALE,
          "sent " + (now - hb.timestampMillis()) + " ms ago (limit " + maxAgeMillis + ")");
    }
    if (hb.timestampMillis() > now + maxSkewMillis) {
      return new Rejected(
          Rejection.FUTURE,
          (hb.timestampMillis() - now) + " ms ahead of this clock (limit " + maxSkewMillis + ")");
    }
    if (!key.verifies(hb.digest(), signed.signature())) {
      return new Rejected(
          Rejection.BAD_SIGNATURE, "not signed by " + hb.node() + "'s registered key");
    }
    boolean[] newer = {false};
    lastSequence.compute(
        hb.node(),
        (node, last) -> {
          if (last == null || hb.sequence() > last) {
            newer[0] = true;
            return hb.sequence();
          }
          return last;
        });
    if (!newer[0]) {
      return new Rejected(
          Rejection.REPLAYED,
          "sequence " + hb.sequence() + " is not above " + lastSequence.get(hb.node()));
    }
    return new Accepted(hb);
  }

  /** After a restart: the last sequence recorded for a node, so old heartbeats stay refused. */
  public void seed(EthAddress node, long sequence) {
    lastSequence.merge(node, sequence, Math::max);
  }

  public OptionalLong lastSequence(EthAddress node) {
    Long last = lastSequence.get(node);
    return last == null ? OptionalLong.empty() : OptionalLong.of(last);
  }
}
