package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.NodeKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AvailabilityLedgerTest {
  // 10 s heartbeats, 100 s epochs: ten heartbeats make a full epoch.
  final AvailabilityLedger ledger =
      new AvailabilityLedger(Duration.ofSeconds(10), Duration.ofSeconds(100));
  final EthAddress node = NodeKey.generate(new SecureRandom()).address();
  final Instant epochStart = Instant.ofEpochSecond(1_000_000_000L / 100 * 100);

  @Test
  void aNodeThatNeverMissesScoresFull() {
    for (int i = 0; i < 10; i++) {
      beat(i + 1, epochStart.plusSeconds(10L * i));
    }
    beat(11, epochStart.plusSeconds(100));
    var snapshot = ledger.snapshot(node, epochStart.plusSeconds(101)).orElseThrow();
    assertThat(snapshot.score()).isEqualTo(255);
    assertThat(snapshot.lastSequence()).isEqualTo(11);
  }

  @Test
  void halfTheHeartbeatsHalfTheScore() {
    for (int i = 0; i < 10; i += 2) {
      beat(i + 1, epochStart.plusSeconds(10L * i));
    }
    beat(20, epochStart.plusSeconds(100));
    assertThat(ledger.snapshot(node, epochStart.plusSeconds(101)).orElseThrow().score())
        .isEqualTo(128);
  }

  @Test
  void theRunningEpochShowsItsUptimeSoFar() {
    beat(1, epochStart.plusSeconds(10));
    beat(2, epochStart.plusSeconds(20));
    var snapshot = ledger.snapshot(node, epochStart.plusSeconds(40)).orElseThrow();
    assertThat(snapshot.epochUptimePpm()).isEqualTo(500_000);
    assertThat(snapshot.score()).as("no epoch finished yet").isNull();
  }

  @Test
  void freshForThreeIntervals() {
    beat(1, epochStart);
    assertThat(ledger.isFresh(node, epochStart.plusSeconds(29))).isTrue();
    assertThat(ledger.isFresh(node, epochStart.plusSeconds(30))).isFalse();
    assertThat(ledger.snapshot(NodeKey.generate(new SecureRandom()).address(), epochStart))
        .isEmpty();
  }

  @Test
  void aNodeUpATenthOfTheEpochThatBeatsTenTimesAsOftenScoresATenth() {
    // Up for the epoch's first 10 s only, sending a heartbeat every second: one slot's worth.
    for (int i = 0; i < 10; i++) {
      beat(i + 1, epochStart.plusSeconds(i));
    }
    beat(11, epochStart.plusSeconds(100));
    assertThat(ledger.snapshot(node, epochStart.plusSeconds(101)).orElseThrow().score())
        .isEqualTo(26); // 255 / 10, rounded
  }

  @Test
  void backDatedHeartbeatsCountByWhenTheyWereHeard() {
    // Three heartbeats heard in one moment, stamped as if sent over the last 30 s.
    Instant heard = epochStart.plusSeconds(35);
    for (int i = 0; i < 3; i++) {
      ledger.accepted(node, i + 1, heard.minusSeconds(30 - 10L * i), heard);
    }
    var snapshot = ledger.snapshot(node, epochStart.plusSeconds(40)).orElseThrow();
    assertThat(snapshot.epochUptimePpm()).isEqualTo(250_000); // 1 of the 4 intervals so far
  }

  /** A heartbeat sent and heard at the same moment. */
  @Test
  void aRestartMidEpochContinuesTheRecordedCount() {
    for (int i = 0; i < 6; i++) {
      beat(i + 1, epochStart.plusSeconds(10L * i));
    }
    var recorded = ledger.snapshot(node, epochStart.plusSeconds(55)).orElseThrow();
    assertThat(recorded.epochHeartbeats()).isEqualTo(6);

    // A new operator: two heartbeats arrive before its first probe restores the record; the
    // first shares the recorded last heartbeat's slot.
    AvailabilityLedger restarted =
        new AvailabilityLedger(Duration.ofSeconds(10), Duration.ofSeconds(100));
    restarted.accepted(node, 7, epochStart.plusSeconds(55), epochStart.plusSeconds(55));
    restarted.accepted(node, 8, epochStart.plusSeconds(60), epochStart.plusSeconds(60));
    restarted.restore(
        node,
        recorded.epoch(),
        recorded.epochHeartbeats(),
        recorded.lastHeartbeat(),
        recorded.lastSequence(),
        recorded.score());
    restarted.restore(node, recorded.epoch(), 6, recorded.lastHeartbeat(), 6, null);

    var now = restarted.snapshot(node, epochStart.plusSeconds(65)).orElseThrow();
    assertThat(now.epochHeartbeats()).isEqualTo(7); // 6 recorded + 1 new slot, once
    for (int i = 7; i < 10; i++) {
      restarted.accepted(
          node, i + 2, epochStart.plusSeconds(10L * i), epochStart.plusSeconds(10L * i));
    }
    restarted.accepted(node, 20, epochStart.plusSeconds(100), epochStart.plusSeconds(100));
    // Every slot of the epoch was heard by one operator or the other: a full score.
    assertThat(restarted.snapshot(node, epochStart.plusSeconds(101)).orElseThrow().score())
        .isEqualTo(255);
  }

  @Test
  void anEpochThatEndedWhileTheOperatorWasDownIsScoredFromItsRecordedCount() {
    AvailabilityLedger restarted =
        new AvailabilityLedger(Duration.ofSeconds(10), Duration.ofSeconds(100));
    restarted.accepted(node, 9, epochStart.plusSeconds(105), epochStart.plusSeconds(105));
    long recordedEpoch = restarted.epochOf(epochStart);
    restarted.restore(node, recordedEpoch, 5, epochStart.plusSeconds(90), 8, null);

    assertThat(restarted.snapshot(node, epochStart.plusSeconds(106)).orElseThrow().score())
        .isEqualTo(128);
  }

  private void beat(long sequence, Instant at) {
    ledger.accepted(node, sequence, at, at);
  }
}
