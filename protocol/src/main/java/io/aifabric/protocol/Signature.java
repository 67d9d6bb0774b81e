package io.aifabric.protocol;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * A secp256k1 signature in Ethereum's 65-byte form r||s||v (v = 27 or 28), always with a low s
 * (EIP-2): the other, malleable form of the same signature is refused, so a signature cannot be
 * altered into a second valid one.
 */
public record Signature(BigInteger r, BigInteger s, int v) {
  public Signature {
    if (r.signum() <= 0 || r.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("r is out of range");
    }
    if (s.signum() <= 0 || s.compareTo(Secp256k1.HALF_N) > 0) {
      throw new IllegalArgumentException("s is zero or high (a malleable signature)");
    }
    if (v != 27 && v != 28) {
      throw new IllegalArgumentException("v must be 27 or 28, not " + v);
    }
  }

  /**
   * @throws IllegalArgumentException for anything but 65 well-formed bytes
   */
  public static Signature fromBytes(byte[] bytes) {
    if (bytes.length != 65) {
      throw new IllegalArgumentException("a signature has 65 bytes (r, s, v), not " + bytes.length);
    }
    return new Signature(
        new BigInteger(1, Arrays.copyOfRange(bytes, 0, 32)),
        new BigInteger(1, Arrays.copyOfRange(bytes, 32, 64)),
        bytes[64] & 0xff);
  }

  public static Signature parse(String hex) {
    if (hex != null && hex.startsWith("0x") && hex.length() != 132) {
      throw new IllegalArgumentException(
          "a signature has 65 bytes (130 hex digits), not " + (hex.length() - 2) + " digits");
    }
    return fromBytes(Hex.decode(hex, 65));
  }

  public byte[] toBytes() {
    byte[] out = new byte[65];
    copy32(r, out, 0);
    copy32(s, out, 32);
    out[64] = (byte) v;
    return out;
  }

  @Override
  public String toString() {
    return Hex.encode(toBytes());
  }

  private static void copy32(BigInteger value, byte[] out, int offset) {
    byte[] raw = value.toByteArray();
    int skip = raw.length > 32 ? raw.length - 32 : 0;
    int len = raw.length - skip;
    System.arraycopy(raw, skip, out, offset + 32 - len, len);
  }
}
