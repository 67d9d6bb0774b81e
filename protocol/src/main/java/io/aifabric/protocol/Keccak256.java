package io.aifabric.protocol;

import org.bouncycastle.crypto.digests.KeccakDigest;

/** Ethereum's hash (Keccak-256, not NIST SHA3-256): addresses, signed digests, EIP-712. */
public final class Keccak256 {
  private Keccak256() {}

  public static byte[] hash(byte[]... parts) {
    KeccakDigest digest = new KeccakDigest(256);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[32];
    digest.doFinal(out, 0);
    return out;
  }
}
