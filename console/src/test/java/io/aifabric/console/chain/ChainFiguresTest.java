package io.aifabric.console.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class ChainFiguresTest {
  @Test
  void weiIsShownAsEtherWithoutTrailingZeros() {
    assertThat(ChainFigures.eth(BigInteger.ZERO)).isEqualTo("0");
    assertThat(ChainFigures.eth(new BigInteger("2500000000000000000"))).isEqualTo("2.5");
    assertThat(ChainFigures.eth(new BigInteger("10000000000000000000"))).isEqualTo("10");
    assertThat(ChainFigures.eth(BigInteger.ONE)).isEqualTo("0.000000000000000001");
  }
}
