package io.aifabric.escrow.rewards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RootQuorumTest {
  private static RootQuorum.Decision decide(Map<String, Integer> signers, int refused) {
    return new RootQuorum(new LinkedHashMap<>(signers), refused, 3, 2).decide();
  }

  @Test
  void aRootTwoOfThreeOraclesSignedIsAgreedWhateverTheThirdSigned() {
    assertThat(decide(Map.of("a", 2, "b", 1), 0)).isEqualTo(new RootQuorum.Agreed("a", 2));
    assertThat(decide(Map.of("a", 2), 1)).isEqualTo(new RootQuorum.Agreed("a", 2));
  }

  @Test
  void oneSignatureWaitsWhileAnOracleThatCouldStillAgreeHasNotAnswered() {
    assertThat(decide(Map.of("a", 1), 0)).isEqualTo(new RootQuorum.Waiting(1));
    assertThat(decide(Map.of("a", 1, "b", 1), 0)).isEqualTo(new RootQuorum.Waiting(1));
    assertThat(decide(Map.of(), 1)).isEqualTo(new RootQuorum.Waiting(0));
  }

  @Test
  void threeDifferentRootsAreNeverPostedOnOneOraclesView() {
    assertThat(decide(Map.of("a", 1, "b", 1, "c", 1), 0)).isEqualTo(new RootQuorum.Hopeless(true));
  }

  @Test
  void twoRefusalsLeaveNoQuorum() {
    assertThat(decide(Map.of("a", 1), 2)).isEqualTo(new RootQuorum.Hopeless(false));
    assertThat(decide(Map.of(), 2)).isEqualTo(new RootQuorum.Hopeless(false));
  }

  @Test
  void aRefusalAndTwoDifferentRootsAreHopelessAndSaySo() {
    assertThat(decide(Map.of("a", 1, "b", 1), 1)).isEqualTo(new RootQuorum.Hopeless(true));
  }
}
