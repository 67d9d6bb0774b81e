package io.aifabric.operator.proof;

import io.aifabric.protocol.EthAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Proof-of-Availability per node: accepted heartbeats counted per epoch, at most one per heartbeat
 * interval, in memory and continued after a restart from the count status recorded ({@link
 * #restore}). A node that sends one every interval for a whole epoch has an uptime ratio of 1; the
 * score of a finished epoch is that ratio on 0–255, as in Ratio1's PoA. Written to status by {@link
 * AvailabilityWriter} at a bounded rate, not per heartbeat.
 */
public final class AvailabilityLedger {
  /** What status shows of one node. */
  public record Snapshot(
      Instant lastHeartbeat,
      long lastSequence,
      long epoch,
      int epochUptimePpm,
      int epochHeartbeats,
      Integer score) {}

  private static final class NodeRecord {
    Instant lastHeartbeat;
    long lastSequence;
    long epoch = -1;
    int beatsThisEpoch;

    /** The heartbeat interval slot last counted (heard time / interval). */
    long lastSlot = Long.MIN_VALUE;

    /** The first slot counted in this epoch by this operator (a restored count comes before). */
    long firstSlot = Long.MAX_VALUE;

    Integer lastScore;
    long version;
  }

  private final Map<EthAddress, NodeRecord> nodes = new ConcurrentHashMap<>();
  private final java.util.Set<EthAddress> restored = ConcurrentHashMap.newKeySet();
  private final Duration interval;
  private final Duration epoch;

  public AvailabilityLedger(Duration heartbeatInterval, Duration epoch) {
    this.interval = heartbeatInterval;
    this.epoch = epoch;
  }

  /**
   * Counts an accepted heartbeat. At most one counts per heartbeat interval, by the time this
   * operator heard it: a node that sends ten times as often, or back-dates heartbeats within the
   * verifier's age limit, scores no more than one that is simply up.
   *
   * @param sentAt the heartbeat's own timestamp (shown as the last heartbeat)
   * @param heardAt when this operator received it, on its own clock (what the score counts)
   */
  public void accepted(EthAddress node, long sequence, Instant sentAt, Instant heardAt) {
    nodes.compute(
        node,
        (k, r) -> {
          NodeRecord rec = r == null ? new NodeRecord() : r;
          long e = epochOf(heardAt);
          if (e != rec.epoch) {
            if (rec.epoch >= 0) {
              rec.lastScore = e == rec.epoch + 1 ? score(rec.beatsThisEpoch) : 0;
            }
            rec.epoch = e;
            rec.beatsThisEpoch = 0;
            rec.firstSlot = Long.MAX_VALUE;
          }
          long slot = heardAt.toEpochMilli() / interval.toMillis();
          if (slot > rec.lastSlot) {
            rec.beatsThisEpoch++;
            rec.lastSlot = slot;
            rec.firstSlot = Math.min(rec.firstSlot, slot);
          }
          rec.lastHeartbeat = sentAt;
          rec.lastSequence = sequence;
          rec.version++;
          return rec;
        });
  }

  /** How this node stands at {@code now}; empty for a node never heard from. */
  public Optional<Snapshot> snapshot(EthAddress node, Instant now) {
    NodeRecord rec = nodes.get(node);
    if (rec == null) {
      return Optional.empty();
    }
    synchronized (rec) {
      long elapsed = Math.max(1, now.toEpochMilli() - epochOf(now) * epoch.toMillis());
      long expected = Math.max(1, elapsed / interval.toMillis());
      int ppm =
          rec.epoch == epochOf(now)
              ? (int) Math.min(1_000_000L, rec.beatsThisEpoch * 1_000_000L / expected)
              : 0;
      return Optional.of(
          new Snapshot(
              rec.lastHeartbeat,
              rec.lastSequence,
              epochOf(now),
              ppm,
              rec.epoch == epochOf(now) ? rec.beatsThisEpoch : 0,
              rec.lastScore));
    }
  }

  /**
   * Continues a node's epoch after a restart from what status last recorded: the heartbeats counted
   * in that epoch (and the score of the one before). Heartbeats heard since the restart are kept; a
   * restored count and a new one that share an interval slot count it once. Done once per node.
   *
   * @param heartbeats the epoch's count as written, at most one per interval slot
   * @param lastHeartbeat the last heartbeat written with it: its slot is the last one counted
   */
  public void restore(
      EthAddress node,
      long recordedEpoch,
      int heartbeats,
      Instant lastHeartbeat,
      long lastSequence,
      Integer lastScore) {
    if (!restored.add(node)) {
      return;
    }
    long restoredSlot = lastHeartbeat.toEpochMilli() / interval.toMillis();
    nodes.compute(
        node,
        (k, r) -> {
          NodeRecord rec = r == null ? new NodeRecord() : r;
          if (rec.epoch < 0) {
            // Nothing heard since the restart: the record is the recorded one.
            rec.epoch = recordedEpoch;
            rec.beatsThisEpoch = heartbeats;
            rec.lastSlot = restoredSlot;
            rec.lastHeartbeat = lastHeartbeat;
            rec.lastSequence = lastSequence;
            rec.lastScore = lastScore;
          } else if (rec.epoch == recordedEpoch) {
            int overlap = rec.firstSlot <= restoredSlot ? 1 : 0;
            rec.beatsThisEpoch += Math.max(0, heartbeats - overlap);
            if (rec.lastScore == null) {
              rec.lastScore = lastScore;
            }
          } else if (rec.epoch == recordedEpoch + 1 && rec.lastScore == null) {
            // The recorded epoch ended while the operator was down: its count is its score.
            rec.lastScore = score(heartbeats);
          }
          rec.version++;
          return rec;
        });
  }

  /** True when the node's last heartbeat is recent enough for it to count as Available. */
  public boolean isFresh(EthAddress node, Instant now) {
    NodeRecord rec = nodes.get(node);
    return rec != null
        && rec.lastHeartbeat != null
        && rec.lastHeartbeat.plus(interval.multipliedBy(3)).isAfter(now);
  }

  long epochOf(Instant t) {
    return t.toEpochMilli() / epoch.toMillis();
  }

  private int score(int beats) {
    long expected = Math.max(1, epoch.toMillis() / interval.toMillis());
    return (int) Math.min(255, Math.round(255.0 * beats / expected));
  }
}
