package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Keccak256;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.WorkReceipt;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReceiptMatcherTest {
  final NodeKey key = NodeKey.generate(new SecureRandom());

  WorkReceipts.Signed receipt(String computeNode, int replica) {
    return new WorkReceipts.Signed(
        new WorkReceipt("uid-1", replica, key.address(), 3600, 0, new byte[32], 9L),
        computeNode,
        null);
  }

  @Test
  void eachReplicaIsReceiptedByTheNodeItRanOn() {
    var r0 = receipt("member-a.gpu-00", 0);
    var r1 = receipt("member-a.gpu-01", 1);
    var match = ReceiptMatcher.match("member-a", List.of("gpu-00", "gpu-01"), List.of(r1, r0));
    assertThat(match.complete()).isTrue();
    assertThat(match.refused()).isEmpty();
    assertThat(match.digest())
        .isEqualTo(Hex.encode(Keccak256.hash(r0.receipt().digest(), r1.receipt().digest())));
  }

  @Test
  void aNodeThatDidNotRunTheReplicaIsRefused() {
    var wrongNode = receipt("member-a.gpu-05", 0);
    var wrongCluster = receipt("member-b.gpu-00", 0);
    var noSuchReplica = receipt("member-a.gpu-00", 7);
    var match =
        ReceiptMatcher.match(
            "member-a",
            List.of("gpu-00", "gpu-01"),
            List.of(wrongNode, wrongCluster, noSuchReplica));
    assertThat(match.count()).isZero();
    assertThat(match.complete()).isFalse();
    assertThat(match.refused()).containsExactly(wrongNode, wrongCluster, noSuchReplica);
  }

  @Test
  void partOfAGangIsNotComplete() {
    var match =
        ReceiptMatcher.match(
            "member-a", List.of("gpu-00", "gpu-01"), List.of(receipt("member-a.gpu-00", 0)));
    assertThat(match.count()).isEqualTo(1);
    assertThat(match.complete()).isFalse();
  }
}
