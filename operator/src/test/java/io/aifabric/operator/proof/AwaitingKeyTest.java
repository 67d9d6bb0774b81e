package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.EthAddress;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Messages of unregistered nodes are held within bounds anyone flooding the broker cannot pass. */
class AwaitingKeyTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String TOPIC = "aifabric/v1/receipts/0x00/job";

  @Test
  void tenThousandMadeUpNodesWith64LargeMessagesEachStayWithinTheByteBound() {
    AwaitingKey held = new AwaitingKey(10_000, 64, 16L << 20);
    for (int node = 0; node < 10_000; node++) {
      EthAddress junk = address();
      for (int m = 0; m < 64; m++) {
        held.hold(junk, TOPIC, new byte[4096]);
      }
    }
    // Without a byte bound this was 10,000 × 64 × 4 KiB ≈ 2.6 GB.
    assertThat(held.bytes()).isLessThanOrEqualTo(16L << 20).isPositive();
    // The node heard from last is kept whole: a real agent publishing now is not pushed out.
    EthAddress real = address();
    held.hold(real, TOPIC, new byte[] {1, 2, 3});
    assertThat(held.release(real))
        .singleElement()
        .satisfies(h -> assertThat(h.payload()).hasSize(3));
  }

  @Test
  void oneNodeAloneIsBoundByMessagesAndBytesAndReleaseGivesTheBytesBack() {
    AwaitingKey held = new AwaitingKey(10, 4, 10_000);
    EthAddress node = address();
    for (int m = 0; m < 10; m++) {
      held.hold(node, TOPIC, new byte[3000]);
    }
    assertThat(held.bytes()).isLessThanOrEqualTo(10_000);
    assertThat(held.release(node)).hasSizeLessThanOrEqualTo(3);
    assertThat(held.bytes()).isZero();
    held.hold(node, TOPIC, new byte[20_000]); // larger than everything: not held at all
    assertThat(held.nodes()).isZero();
  }

  @Test
  void theNodesHeardFromFirstGoFirst() {
    AwaitingKey held = new AwaitingKey(2, 4, 1 << 20);
    EthAddress first = address();
    EthAddress second = address();
    EthAddress third = address();
    held.hold(first, TOPIC, new byte[1]);
    held.hold(second, TOPIC, new byte[1]);
    held.hold(third, TOPIC, new byte[1]);
    assertThat(held.release(first)).isEmpty();
    assertThat(held.release(second)).hasSize(1);
    assertThat(held.release(third)).hasSize(1);
  }

  /** A made-up address, as a flood would use (anyone can make a key). */
  private static EthAddress address() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return EthAddress.of(bytes);
  }
}
