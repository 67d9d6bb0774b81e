package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.NodeKey;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeKeysTest {
  final NodeKey a = NodeKey.generate(new SecureRandom());
  final NodeKey b = NodeKey.generate(new SecureRandom());

  @Test
  void oneKeyPerNodeAndOneNodePerKey() {
    NodeKeys keys = new NodeKeys();
    assertThat(keys.register("member-a.gpu-00", a.publicKey())).isTrue();
    assertThat(keys.register("member-a.gpu-01", a.publicKey())).isFalse();
    assertThat(keys.holderOtherThan("member-a.gpu-01", a.address())).hasValue("member-a.gpu-00");
    assertThat(keys.computeNodeOf(a.address())).hasValue("member-a.gpu-00");
    // A node that rotates its key: the old one no longer counts.
    assertThat(keys.register("member-a.gpu-00", b.publicKey())).isTrue();
    assertThat(keys.keyOf(a.address())).isNull();
    assertThat(keys.keyOf(b.address())).isNotNull();
    keys.forget("member-a.gpu-00");
    assertThat(keys.keyOf(b.address())).isNull();
  }
}
