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

    // Replace the field, not the digits: "7200" can also occur in the signature's or address's hex.
    String more =
        new String(wire, StandardCharsets.UTF_8)
            .replace("\"gpuSeconds\":7200,", "\"gpuSeconds\":72000,");
    assertThat(more).isNotEqualTo(new String(wire, StandardCharsets.UTF_8));
    WorkReceipt.Signed inflated = ReceiptCodec.decode(more.getBytes(StandardCharsets.UTF_8));
    assertThat(key.publicKey().verifies(inflated.receipt().digest(), inflated.signature()))
        .isFalse();
    assertThatThrownBy(
            () -> ReceiptCodec.decode("{\"job\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void aSealedOutputsSizeAndKindAreSignedAndRoundTrip() throws Exception {
    NodeKey key = NodeKey.generate(new SecureRandom());
    byte[] address = new byte[32];
    address[0] = 7;
    WorkReceipt sealed = new WorkReceipt("uid", 0, key.address(), 60, 0, address, 5L, 1_048_643);
    byte[] wire = ReceiptCodec.encode(sealed.sign(key));
    assertThat(new String(wire, StandardCharsets.UTF_8)).contains("\"sealedBytes\":1048643");
    WorkReceipt.Signed back = ReceiptCodec.decode(wire);
    assertThat(back.receipt().sealed()).isTrue();
    assertThat(back.receipt().sealedBytes()).isEqualTo(1_048_643);
    assertThat(key.publicKey().verifies(back.receipt().digest(), back.signature())).isTrue();

    // A relay cannot shrink the size, or pass the sealed output off as the job's own digest.
    String smaller =
        new String(wire, StandardCharsets.UTF_8)
            .replace("\"sealedBytes\":1048643", "\"sealedBytes\":1048642");
    WorkReceipt.Signed shrunk = ReceiptCodec.decode(smaller.getBytes(StandardCharsets.UTF_8));
    assertThat(key.publicKey().verifies(shrunk.receipt().digest(), shrunk.signature())).isFalse();
    String unsealed =
        new String(wire, StandardCharsets.UTF_8).replace(",\"sealedBytes\":1048643", "");
    WorkReceipt.Signed plain = ReceiptCodec.decode(unsealed.getBytes(StandardCharsets.UTF_8));
    assertThat(plain.receipt().sealed()).isFalse();
    assertThat(key.publicKey().verifies(plain.receipt().digest(), plain.signature())).isFalse();
    // An empty sealed output (0 bytes is still sealed) is told apart from no sealed output.
    assertThat(new WorkReceipt("uid", 0, key.address(), 60, 0, address, 5L, 0).digest())
        .isNotEqualTo(new WorkReceipt("uid", 0, key.address(), 60, 0, address, 5L).digest());
    assertThatThrownBy(
            () ->
                ReceiptCodec.decode(
                    smaller
                        .replace("\"sealedBytes\":1048642", "\"sealedBytes\":-5")
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("sealedBytes");
  }
}
