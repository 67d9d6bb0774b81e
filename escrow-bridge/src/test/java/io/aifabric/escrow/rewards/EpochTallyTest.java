package io.aifabric.escrow.rewards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.RewardTree;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpochTallyTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration EPOCH = Duration.ofHours(1); // 360 slots
  private static final Duration SKEW = Duration.ofSeconds(30);
  private static final String UP = "0x" + "1".repeat(40);
  private static final String HALF = "0x" + "2".repeat(40);
  private static final long EPOCH_7 = 7 * EPOCH.toMillis();

  private static EpochTally tally() {
    return new EpochTally(INTERVAL, EPOCH, SKEW, 4);
  }

  /** One heartbeat per interval over [fromSlot, toSlot) of epoch 7, heard 2 s after signing. */
  private static void beat(EpochTally t, String node, int fromSlot, int toSlot, Set<Integer> lost) {
    for (int slot = fromSlot; slot < toSlot; slot++) {
      if (!lost.contains(slot)) {
        long signed = EPOCH_7 + slot * INTERVAL.toMillis() + 500;
        t.count(node, signed, signed + 2_000);
      }
    }
  }

  @Test
  void aNodeUpAllEpochScoresTheTopLevelAndOneSilentForHalfOfItHalf() {
    EpochTally t = tally();
    beat(t, UP, 0, 360, Set.of());
    beat(t, HALF, 180, 360, Set.of());
    RewardTree table = t.table(7).orElseThrow();
    assertThat(table.scoreOf(UP)).isEqualTo(EpochTally.LEVELS);
    assertThat(table.scoreOf(HALF)).isEqualTo(EpochTally.LEVELS / 2);
    assertThat(table.totalScore()).isEqualTo(24);
  }

  @Test
  void oraclesThatLostAFewDifferentHeartbeatsBuildTheSameRoot() {
    EpochTally a = tally();
    EpochTally b = tally();
    beat(a, UP, 0, 360, Set.of(3, 100, 250));
    beat(b, UP, 0, 360, Set.of(17, 18, 19, 20, 301));
    beat(a, HALF, 180, 360, Set.of(200));
    beat(b, HALF, 180, 360, Set.of(181, 290, 300));
    assertThat(a.beats(UP, 7)).isNotEqualTo(b.beats(UP, 7));
    assertThat(a.table(7).orElseThrow().root()).isEqualTo(b.table(7).orElseThrow().root());
  }

  @Test
  void oraclesThatHeardTheSameHeartbeatsAtDifferentTimesCountTheSame() {
    EpochTally early = tally();
    EpochTally late = tally();
    for (int slot = 0; slot < 360; slot++) {
      long signed = EPOCH_7 + slot * INTERVAL.toMillis() + 9_900; // late in its slot
      early.count(UP, signed, signed + 10);
      late.count(UP, signed, signed + 25_000); // heard in the next slot, even the next epoch
    }
    assertThat(early.beats(UP, 7)).isEqualTo(360).isEqualTo(late.beats(UP, 7));
  }

  @Test
  void heartbeatingFasterCountsOncePerSlot() {
    EpochTally t = tally();
    for (int i = 0; i < 36 * 10; i++) { // ten per slot for a tenth of the epoch
      long signed = EPOCH_7 + i * 1_000L;
      t.count(UP, signed, signed);
    }
    assertThat(t.beats(UP, 7)).isEqualTo(36);
    assertThat(t.level(36)).isEqualTo(2); // 1.6 rounded
  }

  @Test
  void heartbeatsDatedBeyondTheSkewDoNotCount() {
    EpochTally t = tally();
    long heard = EPOCH_7 + 600_000;
    assertThat(t.count(UP, heard - 31_000, heard)).isEqualTo(EpochTally.Counted.TOO_OLD);
    assertThat(t.count(UP, heard + 31_000, heard)).isEqualTo(EpochTally.Counted.TOO_NEW);
    assertThat(t.count(UP, heard - 29_000, heard)).isEqualTo(EpochTally.Counted.COUNTED);
    // A slot counted does not count again, and an earlier one cannot be filled in afterwards.
    assertThat(t.count(UP, heard - 28_000, heard)).isEqualTo(EpochTally.Counted.SAME_SLOT);
    assertThat(t.beats(UP, 7)).isEqualTo(1);
  }

  @Test
  void aNodeThatNeverScoredHasNoLeafAndAnEmptyEpochHasNoTable() {
    EpochTally t = tally();
    beat(t, UP, 0, 360, Set.of());
    beat(t, HALF, 0, 10, Set.of()); // 10 of 360 rounds to level 0
    RewardTree table = t.table(7).orElseThrow();
    assertThat(table.totalScore()).isEqualTo(EpochTally.LEVELS);
    assertThatThrownBy(() -> table.scoreOf(HALF)).hasMessageContaining("has no score in epoch 7");
    assertThat(t.table(8)).isEmpty();
  }

  @Test
  void anEpochClosesOnlyOnceTheSkewAfterItsEndHasPassed() {
    EpochTally t = tally();
    long end = EPOCH_7 + EPOCH.toMillis();
    assertThat(t.closed(7, end - 1)).isFalse();
    assertThat(t.closed(7, end + SKEW.toMillis() - 1)).isFalse();
    assertThat(t.closed(7, end + SKEW.toMillis())).isTrue();
  }

  @Test
  void anEpochMustBeAWholeNumberOfIntervals() {
    assertThatThrownBy(() -> new EpochTally(Duration.ofSeconds(7), EPOCH, SKEW, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number of heartbeat intervals");
  }
}
