package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.RewardTree.NodeScore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RewardTreeTest {
  private static List<NodeScore> scores(int n, long seed) {
    Random random = new Random(seed);
    List<NodeScore> scores = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] address = new byte[20];
      random.nextBytes(address);
      scores.add(new NodeScore(Hex.encode(address), 1 + random.nextInt(255)));
    }
    return scores;
  }

  @Test
  void everyNodesProofLeadsToTheRootForTreesOfAnySize() {
    for (int n = 1; n <= 33; n++) {
      List<NodeScore> scores = scores(n, n);
      RewardTree tree = RewardTree.of(9, scores);
      for (NodeScore s : scores) {
        assertThat(RewardTree.verify(tree.root(), s.node(), 9, s.score(), tree.proof(s.node())))
            .as("node %s of %d", s.node(), n)
            .isTrue();
      }
      assertThat(tree.totalScore()).isEqualTo(scores.stream().mapToLong(NodeScore::score).sum());
    }
  }

  @Test
  void aProofDoesNotProveAnotherScoreEpochOrNode() {
    List<NodeScore> scores = scores(10, 1);
    RewardTree tree = RewardTree.of(9, scores);
    NodeScore first = scores.get(0);
    List<byte[]> proof = tree.proof(first.node());
    assertThat(RewardTree.verify(tree.root(), first.node(), 9, first.score() + 1, proof)).isFalse();
    assertThat(RewardTree.verify(tree.root(), first.node(), 10, first.score(), proof)).isFalse();
    assertThat(RewardTree.verify(tree.root(), scores.get(1).node(), 9, first.score(), proof))
        .isFalse();
  }

  @Test
  void theRootDoesNotDependOnTheOrderTheScoresCameIn() {
    List<NodeScore> scores = scores(17, 3);
    List<NodeScore> shuffled = new ArrayList<>(scores);
    Collections.shuffle(shuffled, new Random(5));
    assertThat(RewardTree.of(4, shuffled).root()).isEqualTo(RewardTree.of(4, scores).root());
    assertThat(RewardTree.of(5, scores).root()).isNotEqualTo(RewardTree.of(4, scores).root());
  }

  @Test
  void addressesAreOneNodeWhateverTheirCase() throws Exception {
    String node = "0x" + "ab12cd34ef".repeat(4);
    String mixedCase = "0x" + "Ab12Cd34eF".repeat(4);
    RewardTree tree = RewardTree.of(1, List.of(new NodeScore(mixedCase, 7)));
    assertThat(tree.scoreOf(node.toUpperCase().replace("0X", "0x"))).isEqualTo(7);
    assertThat(tree.proof(node)).isEmpty(); // one leaf: the root itself
    assertThatThrownBy(
            () -> RewardTree.of(1, List.of(new NodeScore(node, 7), new NodeScore(mixedCase, 3))))
        .hasMessageContaining("scored twice");
  }

  @Test
  void badInputIsRefused() {
    assertThatThrownBy(() -> RewardTree.of(1, List.of())).hasMessageContaining("no scores");
    assertThatThrownBy(() -> new NodeScore("0x" + "11".repeat(20), 0))
        .hasMessageContaining("positive score");
    RewardTree tree = RewardTree.of(1, scores(3, 2));
    assertThatThrownBy(() -> tree.proof("0x" + "22".repeat(20))).hasMessageContaining("no score");
  }
}
