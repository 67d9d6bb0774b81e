package io.aifabric.protocol;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * A node's signing key: secp256k1, the key of its Ethereum address. Signatures are deterministic
 * (RFC 6979), low-s, and carry Ethereum's recovery byte, so the chain can check them with
 * ecrecover. {@link #toString()} never shows the private part.
 */
public final class NodeKey {
  private final BigInteger privateKey;
  private final NodePublicKey publicKey;

  private NodeKey(BigInteger privateKey) {
    if (privateKey.signum() <= 0 || privateKey.compareTo(Secp256k1.N) >= 0) {
      throw new IllegalArgumentException("a private key must be in [1, n)");
    }
    this.privateKey = privateKey;
    this.publicKey =
        NodePublicKey.of(
            new FixedPointCombMultiplier().multiply(Secp256k1.PARAMS.getG(), privateKey));
  }

  public static NodeKey generate(SecureRandom random) {
    BigInteger d;
    do {
      d = new BigInteger(256, random);
    } while (d.signum() == 0 || d.compareTo(Secp256k1.N) >= 0);
    return new NodeKey(d);
  }

  /** From the 32 private-key bytes (as kept in the node's key file). */
  public static NodeKey fromPrivateBytes(byte[] d) {
    if (d.length != 32) {
      throw new IllegalArgumentException("a private key has 32 bytes, not " + d.length);
    }
    return new NodeKey(new BigInteger(1, d));
  }

  public byte[] privateBytes() {
    byte[] raw = privateKey.toByteArray();
    byte[] out = new byte[32];
    int skip = raw.length > 32 ? raw.length - 32 : 0;
    System.arraycopy(raw, skip, out, 32 - (raw.length - skip), raw.length - skip);
    return out;
  }

  public NodePublicKey publicKey() {
    return publicKey;
  }

  public EthAddress address() {
    return publicKey.address();
  }

  /** Signs a 32-byte digest (keccak256 of a canonical encoding). */
  public Signature sign(byte[] digest) {
    if (digest.length != 32) {
      throw new IllegalArgumentException("sign a 32-byte digest, not " + digest.length + " bytes");
    }
    ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
    signer.init(true, new ECPrivateKeyParameters(privateKey, Secp256k1.DOMAIN));
    BigInteger[] rs = signer.generateSignature(digest);
    BigInteger r = rs[0];
    BigInteger s = rs[1];
    if (s.compareTo(Secp256k1.HALF_N) > 0) {
      s = Secp256k1.N.subtract(s);
    }
    for (int recoveryId = 0; recoveryId < 2; recoveryId++) {
      var recovered = Secp256k1.recover(recoveryId, r, s, digest);
      if (recovered != null && recovered.equals(publicKey.point())) {
        return new Signature(r, s, 27 + recoveryId);
      }
    }
    throw new IllegalStateException("no recovery id reproduces the key");
  }

  @Override
  public String toString() {
    return "NodeKey[" + address() + "]";
  }
}
