package io.aifabric.escrow.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochJournalTest {
  private static final Duration INTERVAL = Duration.ofSeconds(10);
  private static final Duration EPOCH = Duration.ofHours(1); // 360 slots
  private static final String UP = "0x" + "1".repeat(40);
  private static final String HALF = "0x" + "2".repeat(40);

  @TempDir Path dir;

  private static EpochTally tally() {
    return new EpochTally(INTERVAL, EPOCH, Duration.ofSeconds(30), 4);
  }

  /** Counts a node's heartbeats over slots [from, to) of an epoch, journalling what counted. */
  private static void beat(
      EpochTally t, EpochJournal journal, String node, long epoch, int from, int to) {
    for (int slot = from; slot < to; slot++) {
      long signed = epoch * EPOCH.toMillis() + slot * INTERVAL.toMillis() + 500;
      if (t.count(node, signed, signed + 1_000) == EpochTally.Counted.COUNTED) {
        journal.record(node, signed, epoch, epoch - 3);
      }
    }
  }

  @Test
  void aRestartedOracleReplaysWhatItCountedAndSignsTheSameRoot() throws Exception {
    EpochTally before = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      beat(before, journal, UP, 7, 0, 200);
      beat(before, journal, HALF, 7, 180, 200);
    }
    // Restarted mid-epoch: a fresh tally replays the journal, then counts on.
    EpochTally after = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      assertThat(journal.replay(after, 4)).isEqualTo(200 + 20);
      beat(before, journal, UP, 7, 200, 360);
      beat(after, journal, UP, 7, 200, 360);
      beat(before, journal, HALF, 7, 200, 360);
      beat(after, journal, HALF, 7, 200, 360);
    }
    assertThat(after.beats(UP, 7)).isEqualTo(360);
    assertThat(after.table(7).orElseThrow().root()).isEqualTo(before.table(7).orElseThrow().root());
  }

  @Test
  void aLineTornByACrashLosesThatHeartbeatOnly() throws Exception {
    EpochTally before = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      beat(before, journal, UP, 7, 0, 10);
    }
    Files.writeString(
        dir.resolve("epoch-7.log"), "0x1111", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    EpochTally after = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      assertThat(journal.replay(after, 4)).isEqualTo(10);
    }
    assertThat(after.beats(UP, 7)).isEqualTo(10);
  }

  @Test
  void epochsNoLongerKeptAreNotReplayedAndTheirFilesGo() throws Exception {
    EpochTally before = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      beat(before, journal, UP, 2, 0, 5);
      beat(before, journal, UP, 3, 0, 5);
    }
    assertThat(dir.resolve("epoch-2.log")).exists();
    EpochTally after = tally();
    try (EpochJournal journal = new EpochJournal(dir)) {
      assertThat(journal.replay(after, 3)).isEqualTo(5);
      assertThat(dir.resolve("epoch-2.log")).doesNotExist();
      // Counting into a new epoch forgets those the tally no longer keeps.
      beat(after, journal, UP, 9, 0, 5);
    }
    assertThat(after.beats(UP, 2)).isZero();
    assertThat(after.beats(UP, 9)).isEqualTo(5);
    assertThat(dir.resolve("epoch-3.log")).doesNotExist();
    assertThat(dir.resolve("epoch-9.log")).exists();
  }
}
