package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** libsecp256k1 and Bouncy Castle must give the same answer for every signature. */
class NativeSecp256k1Test {
  @Test
  void loadsOnLinuxX64() {
    if (System.getProperty("os.name").startsWith("Linux")
        && System.getProperty("os.arch").equals("amd64")) {
      assertThat(NativeSecp256k1.AVAILABLE).isTrue();
    }
  }

  @Test
  void agreesWithBouncyCastleOnGoodAndBadSignatures() {
    SecureRandom random = new SecureRandom();
    NodeKey key = NodeKey.generate(random);
    NodeKey other = NodeKey.generate(random);
    for (int i = 0; i < 200; i++) {
      byte[] digest = Keccak256.hash(new byte[] {(byte) i, (byte) (i >> 8)});
      Signature good = key.sign(digest);
      Signature foreign = other.sign(digest);
      NodePublicKey pub = key.publicKey();
      assertThat(pub.verifies(digest, good)).isTrue();
      assertThat(pub.verifiesInJava(digest, good)).isTrue();
      assertThat(pub.verifies(digest, foreign)).isFalse();
      assertThat(pub.verifiesInJava(digest, foreign)).isFalse();
      byte[] otherDigest = Keccak256.hash(digest);
      assertThat(pub.verifies(otherDigest, good)).isEqualTo(pub.verifiesInJava(otherDigest, good));
    }
  }
}
