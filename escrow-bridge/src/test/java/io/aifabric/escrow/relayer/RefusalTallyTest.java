package io.aifabric.escrow.relayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which jobs an abandoned batch leaves out of the next one; 3 oracles, threshold 2 unless said. */
class RefusalTallyTest {
  @Test
  void aJobEveryOracleRefusedIsLeftOutAndTheOneALaggingOracleRefusedGoesAgain() {
    // All three refuse the forged job; the third also refuses an honest one it has no receipt for.
    var leftOut =
        RefusalTally.leftOut(
            List.of(List.of("forged"), List.of("forged"), List.of("forged", "honest")), 3, 2);
    assertThat(leftOut).containsExactly("forged");
  }

  @Test
  void aJobTwoOfThreeRefusedCannotReachTheThresholdAlone() {
    var leftOut = RefusalTally.leftOut(List.of(List.of("a", "b"), List.of("a")), 3, 2);
    assertThat(leftOut).containsExactly("a");
  }

  @Test
  void whenNoJobLostTheQuorumAloneEveryRefusedJobIsLeftOut() {
    // Each job refused by one oracle only, but by different ones: quorum lost all the same.
    var leftOut = RefusalTally.leftOut(List.of(List.of("a"), List.of("b")), 3, 2);
    assertThat(leftOut).containsExactly("a", "b");
  }

  @Test
  void anOracleNamingAJobTwiceCountsOnce() {
    // 5 oracles, 4 needed: "a" refused by one oracle leaves 4 that could sign; counted twice it
    // would look hopeless and be the only one left out.
    var leftOut = RefusalTally.leftOut(List.of(List.of("a", "a"), List.of("b")), 5, 4);
    assertThat(leftOut).containsExactly("a", "b");
  }
}
