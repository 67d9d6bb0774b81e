package io.aifabric.protocol;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9IntegerConverter;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECPoint;

/** The curve of Ethereum keys, with Bouncy Castle's fast custom implementation. */
final class Secp256k1 {
  static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
  static final ECDomainParameters DOMAIN =
      new ECDomainParameters(PARAMS.getCurve(), PARAMS.getG(), PARAMS.getN(), PARAMS.getH());
  static final BigInteger N = PARAMS.getN();
  static final BigInteger HALF_N = N.shiftRight(1);

  private Secp256k1() {}

  /** X||Y, 64 bytes: an uncompressed point without its 0x04 prefix. */
  static byte[] encode(ECPoint point) {
    byte[] full = point.normalize().getEncoded(false);
    byte[] xy = new byte[64];
    System.arraycopy(full, 1, xy, 0, 64);
    return xy;
  }

  static ECPoint decode(byte[] xy) {
    if (xy.length != 64) {
      throw new IllegalArgumentException("a public key has 64 bytes (X||Y), not " + xy.length);
    }
    byte[] full = new byte[65];
    full[0] = 0x04;
    System.arraycopy(xy, 0, full, 1, 64);
    ECPoint point = PARAMS.getCurve().decodePoint(full);
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException("not a point on secp256k1");
    }
    return point;
  }

  /**
   * The public key that produced (r, s) over the digest with this recovery id (SEC 1, 4.1.6), or
   * null. Only used to find a signature's v: verification checks against a known key.
   */
  static ECPoint recover(int recoveryId, BigInteger r, BigInteger s, byte[] digest) {
    BigInteger prime = PARAMS.getCurve().getField().getCharacteristic();
    if (r.compareTo(prime) >= 0) {
      return null;
    }
    X9IntegerConverter x9 = new X9IntegerConverter();
    byte[] compressed = x9.integerToBytes(r, 1 + x9.getByteLength(PARAMS.getCurve()));
    compressed[0] = (byte) ((recoveryId & 1) == 1 ? 0x03 : 0x02);
    ECPoint bigR;
    try {
      bigR = PARAMS.getCurve().decodePoint(compressed);
    } catch (IllegalArgumentException e) {
      return null;
    }
    BigInteger e = new BigInteger(1, digest);
    BigInteger rInv = r.modInverse(N);
    BigInteger u1 = N.subtract(e).mod(N).multiply(rInv).mod(N);
    BigInteger u2 = s.multiply(rInv).mod(N);
    return ECAlgorithms.sumOfTwoMultiplies(PARAMS.getG(), u1, bigR, u2).normalize();
  }
}
