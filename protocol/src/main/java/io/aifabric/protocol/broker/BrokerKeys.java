package io.aifabric.protocol.broker;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECParameterSpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * A node's broker key as it travels in its registration: the P-256 public key (X.509
 * SubjectPublicKeyInfo, DER, 91 bytes) that the node's broker certificate is issued for. A separate
 * key from the node's secp256k1 signing key because TLS 1.3 signs with P-256, not secp256k1.
 */
public final class BrokerKeys {
  /** DER SubjectPublicKeyInfo of a P-256 key, uncompressed point. */
  public static final int ENCODED_LENGTH = 91;

  static final org.bouncycastle.asn1.x9.X9ECParameters CURVE =
      org.bouncycastle.crypto.ec.CustomNamedCurves.getByName("secp256r1");
  static final ECParameterSpec P256 =
      ((ECPublicKey) BrokerAuthority.newKeyPair(new java.security.SecureRandom()).getPublic())
          .getParams();

  private BrokerKeys() {}

  private static boolean isP256(ECParameterSpec params) {
    return params.getCurve().equals(P256.getCurve())
        && params.getGenerator().equals(P256.getGenerator())
        && params.getOrder().equals(P256.getOrder());
  }

  /** The P-256 public key in these bytes; IllegalArgumentException for anything else. */
  public static PublicKey decode(byte[] spki) {
    if (spki.length != ENCODED_LENGTH) {
      throw new IllegalArgumentException(
          "a broker key is a P-256 SubjectPublicKeyInfo of " + ENCODED_LENGTH + " bytes");
    }
    try {
      PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
      if (!(key instanceof ECPublicKey ec) || !isP256(ec.getParams())) {
        throw new IllegalArgumentException("a broker key is a P-256 (secp256r1) key");
      }
      // The JDK's KeyFactory takes any coordinates: a point off the curve is refused here.
      var w = ec.getW();
      if (!CURVE.getCurve().createPoint(w.getAffineX(), w.getAffineY()).isValid()) {
        throw new IllegalArgumentException("a broker key's point is not on P-256");
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a P-256 public key: " + e.getMessage());
    }
  }
}
