package io.aifabric.protocol.broker;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A P-256 key pair kept as its 32-byte private scalar (how the node's key file stores its broker
 * key), and back: the public point is recomputed, never stored apart from the secret it comes from.
 */
public final class BrokerKeyPair {
  private static final X9ECParameters CURVE = BrokerKeys.CURVE;
  private static final ECParameterSpec P256 = BrokerKeys.P256;

  private BrokerKeyPair() {}

  /** The private scalar, 32 bytes big-endian. */
  public static byte[] scalar(KeyPair pair) {
    BigInteger s = ((ECPrivateKey) pair.getPrivate()).getS();
    byte[] raw = s.toByteArray();
    byte[] out = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy);
    return out;
  }

  /** The key pair of this private scalar. */
  public static KeyPair fromScalar(byte[] scalar) {
    BigInteger s = new BigInteger(1, scalar);
    if (s.signum() == 0 || s.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("not a P-256 private scalar");
    }
    ECMultiplier multiplier = new FixedPointCombMultiplier();
    var q = multiplier.multiply(CURVE.getG(), s).normalize();
    try {
      KeyFactory ec = KeyFactory.getInstance("EC");
      return new KeyPair(
          ec.generatePublic(
              new ECPublicKeySpec(
                  new ECPoint(
                      q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                  P256)),
          ec.generatePrivate(new ECPrivateKeySpec(s, P256)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK refuses a P-256 key", e);
    }
  }
}
