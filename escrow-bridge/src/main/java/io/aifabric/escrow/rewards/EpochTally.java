package io.aifabric.escrow.rewards;

import io.aifabric.protocol.RewardTree;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One oracle's count of each node's verified heartbeats per epoch, and the epoch's availability
 * table, built so that oracles converge on the same table without exchanging theirs.
 *
 * <ul>
 *   <li><b>Counted by the node's own signed time, not by when this oracle heard it.</b> A heartbeat
 *       counts in the interval slot (and epoch) of its signed timestamp, at most one per slot, and
 *       only if it arrived within {@code maxSkew} of that time by this oracle's clock (so a node
 *       can neither back-date nor pre-date beyond the skew, nor score more by sending faster).
 *       Oracles that received the same heartbeats count exactly the same, whatever their clocks and
 *       however late each processed them.
 *   <li><b>Scores in coarse levels.</b> A node's score is its share of the epoch's slots rounded to
 *       one of {@link #LEVELS} levels (0 to 16): an oracle that lost fewer than 1/32 of a node's
 *       heartbeats (a reconnect) still gives it the level the others give, unless its true share
 *       lies that close to a boundary between two levels. A node up for the whole epoch scores 16,
 *       one silent for half of it 8.
 *   <li>Each oracle signs the root of its own table; the relayer posts a root once M oracles signed
 *       that same root. Where too many oracles straddle a boundary for any root to reach M, the
 *       epoch is not posted rather than posted on a minority's view.
 * </ul>
 *
 * <p>Not thread-safe: one worker feeds it.
 */
public final class EpochTally {
  /** Score levels: a node's score is 0 to LEVELS. */
  public static final int LEVELS = 16;

  /** The outcome of counting one heartbeat. */
  public enum Counted {
    COUNTED,
    SAME_SLOT,
    TOO_OLD,
    TOO_NEW
  }

  private final long intervalMillis;
  private final long epochMillis;
  private final long maxSkewMillis;
  private final int keptEpochs;

  /** Per node: the last slot counted, and beats per epoch (the latest {@code keptEpochs}). */
  private final Map<String, NodeBeats> nodes = new HashMap<>();

  private static final class NodeBeats {
    long lastSlot = Long.MIN_VALUE;
    final Map<Long, Integer> beatsByEpoch = new HashMap<>();
  }

  /**
   * @param interval the agents' heartbeat interval: one heartbeat counts per interval slot
   * @param epoch the reward epoch's length (a whole number of intervals)
   * @param maxSkew how far a heartbeat's signed time may lie from when this oracle heard it
   * @param keptEpochs how many epochs back a node's counts are kept
   */
  public EpochTally(Duration interval, Duration epoch, Duration maxSkew, int keptEpochs) {
    if (epoch.toMillis() % interval.toMillis() != 0) {
      throw new IllegalArgumentException(
          "an epoch ("
              + epoch
              + ") must be a whole number of heartbeat intervals ("
              + interval
              + ")");
    }
    this.intervalMillis = interval.toMillis();
    this.epochMillis = epoch.toMillis();
    this.maxSkewMillis = maxSkew.toMillis();
    this.keptEpochs = keptEpochs;
  }

  public long epochOf(long millis) {
    return Math.floorDiv(millis, epochMillis);
  }

  /**
   * Whether no heartbeat can count in the epoch any more at {@code nowMillis}: it is over, and so
   * is the skew a heartbeat signed in its last slot may still arrive with.
   */
  public boolean closed(long epoch, long nowMillis) {
    return nowMillis >= (epoch + 1) * epochMillis + maxSkewMillis;
  }

  /**
   * Counts a heartbeat whose signature this oracle verified.
   *
   * @param node the node's address, lowercase
   * @param signedAtMillis the heartbeat's own (signed) timestamp
   * @param heardAtMillis when this oracle received it, by its own clock
   */
  public Counted count(String node, long signedAtMillis, long heardAtMillis) {
    if (signedAtMillis < heardAtMillis - maxSkewMillis) {
      return Counted.TOO_OLD;
    }
    if (signedAtMillis > heardAtMillis + maxSkewMillis) {
      return Counted.TOO_NEW;
    }
    NodeBeats beats = nodes.computeIfAbsent(node, n -> new NodeBeats());
    long slot = Math.floorDiv(signedAtMillis, intervalMillis);
    if (slot <= beats.lastSlot) {
      return Counted.SAME_SLOT;
    }
    beats.lastSlot = slot;
    long epoch = epochOf(signedAtMillis);
    beats.beatsByEpoch.merge(epoch, 1, Integer::sum);
    beats.beatsByEpoch.keySet().removeIf(e -> e <= epoch - keptEpochs);
    return Counted.COUNTED;
  }

  /** The heartbeats counted for a node in an epoch. */
  public int beats(String node, long epoch) {
    NodeBeats beats = nodes.get(node);
    return beats == null ? 0 : beats.beatsByEpoch.getOrDefault(epoch, 0);
  }

  /** A share of the epoch's slots as a level, 0 to {@link #LEVELS}, rounded to the nearest. */
  public int level(int beats) {
    long slots = epochMillis / intervalMillis;
    return (int) Math.min(LEVELS, Math.round((double) LEVELS * beats / slots));
  }

  /**
   * The epoch's table as this oracle counted it: every node with a level above 0.
   *
   * @return empty when no node scored
   */
  public Optional<RewardTree> table(long epoch) {
    List<RewardTree.NodeScore> scores = new ArrayList<>();
    for (Map.Entry<String, NodeBeats> e : nodes.entrySet()) {
      int level = level(e.getValue().beatsByEpoch.getOrDefault(epoch, 0));
      if (level > 0) {
        scores.add(new RewardTree.NodeScore(e.getKey(), level));
      }
    }
    return scores.isEmpty() ? Optional.empty() : Optional.of(RewardTree.of(epoch, scores));
  }
}
