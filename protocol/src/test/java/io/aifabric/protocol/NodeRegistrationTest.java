package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class NodeRegistrationTest {
  private static final byte[] BROKER_KEY =
      io.aifabric.protocol.broker.BrokerAuthority.newKeyPair(new java.security.SecureRandom())
          .getPublic()
          .getEncoded();

  @Test
  void aRegistrationIsSignedByTheKeyItNamesAndNoOther() {
    NodeKey key = NodeKey.generate(new SecureRandom());
    NodeKey other = NodeKey.generate(new SecureRandom());
    NodeRegistration reg =
        new NodeRegistration(
            "member-a", "gpu-h100-00", key.publicKey(), new byte[32], BROKER_KEY, 1L);
    assertThat(reg.isSignedBy(key.sign(reg.digest()))).isTrue();
    assertThat(reg.isSignedBy(other.sign(reg.digest()))).isFalse();
    NodeRegistration moved =
        new NodeRegistration(
            "member-b", "gpu-h100-00", key.publicKey(), new byte[32], BROKER_KEY, 1L);
    assertThat(moved.isSignedBy(key.sign(reg.digest()))).isFalse();
  }

  @Test
  void theAnnotationFormRoundTripsAndRefusesDamage() throws Exception {
    NodeKey key = NodeKey.generate(new SecureRandom());
    var signed =
        new NodeRegistration(
                "member-a", "gpu-h100-00", key.publicKey(), new byte[32], BROKER_KEY, 7L)
            .sign(key);
    String text = RegistrationCodec.encode(signed);
    var back = RegistrationCodec.decode(text);
    assertThat(back.isValid()).isTrue();
    assertThat(back.registration().key().address()).isEqualTo(key.address());
    assertThat(back.registration().nodeName()).isEqualTo("gpu-h100-00");
    var moved = RegistrationCodec.decode(text.replace("gpu-h100-00", "gpu-h100-01"));
    assertThat(moved.isValid()).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistrationCodec.decode("{}"))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void receiptsDigestEveryField() {
    NodeKey key = NodeKey.generate(new SecureRandom());
    WorkReceipt a = new WorkReceipt("uid-1", 0, key.address(), 3600, 0, new byte[32], 5L);
    WorkReceipt b = new WorkReceipt("uid-1", 1, key.address(), 3600, 0, new byte[32], 5L);
    WorkReceipt c = new WorkReceipt("uid-1", 0, key.address(), 3601, 0, new byte[32], 5L);
    assertThat(a.digest()).isNotEqualTo(b.digest()).isNotEqualTo(c.digest());
    assertThat(key.publicKey().verifies(a.digest(), a.sign(key).signature())).isTrue();
  }
}
