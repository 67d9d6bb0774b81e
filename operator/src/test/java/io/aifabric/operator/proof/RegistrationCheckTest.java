package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.RegistrationCodec;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class RegistrationCheckTest {
  private static final byte[] BROKER_KEY =
      io.aifabric.protocol.broker.BrokerAuthority.newKeyPair(new java.security.SecureRandom())
          .getPublic()
          .getEncoded();

  final NodeKey key = NodeKey.generate(new SecureRandom());
  final NodeKey other = NodeKey.generate(new SecureRandom());

  String annotation(String cluster, String node, NodeKey signer) {
    NodeRegistration r =
        new NodeRegistration(cluster, node, key.publicKey(), new byte[32], BROKER_KEY, 1L);
    return RegistrationCodec.encode(new NodeRegistration.Signed(r, signer.sign(r.digest())));
  }

  @Test
  void aRegistrationForThisNodeSignedByItsKeyIsAccepted() {
    var result =
        RegistrationCheck.check("member-a", "gpu-00", annotation("member-a", "gpu-00", key));
    assertThat(result.accepted()).isTrue();
    assertThat(result.registration().key().address()).isEqualTo(key.address());
  }

  @Test
  void eachWayToBeWrongHasItsReason() {
    assertThat(RegistrationCheck.check("member-a", "gpu-00", null).reason())
        .isEqualTo("AwaitingNodeAgent");
    assertThat(RegistrationCheck.check("member-a", "gpu-00", "{oops").reason())
        .isEqualTo("MalformedRegistration");
    assertThat(
            RegistrationCheck.check("member-a", "gpu-00", annotation("member-a", "gpu-00", other))
                .reason())
        .isEqualTo("BadSignature");
    var copied =
        RegistrationCheck.check("member-a", "gpu-01", annotation("member-a", "gpu-00", key));
    assertThat(copied.accepted()).isFalse();
    assertThat(copied.reason()).isEqualTo("WrongNode");
    assertThat(copied.message()).contains("member-a/gpu-00");
  }
}
