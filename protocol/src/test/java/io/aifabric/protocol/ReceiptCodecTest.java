package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class ReceiptCodecTest {
  @Test
  void aReceiptRoundTripsAndATamperedOneNoLongerVerifies() throws Exception {
    NodeKey key = NodeKey.generate(new SecureRandom());
    WorkReceipt receipt =
        new WorkReceipt("0b7c-uid", 2, key.address(), 7200, 0, Keccak256.hash(new byte[] {1}), 5L);
    byte[] wire = ReceiptCodec.encode(receipt.sign(key));
    WorkReceipt.Signed back = ReceiptCodec.decode(wire);
    assertThat(key.publicKey().verifies(back.receipt().digest(), back.signature())).isTrue();
    assertThat(back.receipt().gpuSeconds()).isEqualTo(7200);

    String more = new String(wire, StandardCharsets.UTF_8).replace("7200", "72000");
    WorkReceipt.Signed inflated = ReceiptCodec.decode(more.getBytes(StandardCharsets.UTF_8));
    assertThat(key.publicKey().verifies(inflated.receipt().digest(), inflated.signature()))
        .isFalse();
    assertThatThrownBy(
            () -> ReceiptCodec.decode("{\"job\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedMessageException.class);
  }
}
