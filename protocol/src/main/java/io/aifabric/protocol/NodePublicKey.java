package io.aifabric.protocol;

import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.math.ec.ECPoint;

/**
 * A node's registered public key, ready to check its signatures. Keep one instance per node: Bouncy
 * Castle caches its precomputation on the point, which makes repeated checks of the same node's
 * signatures faster.
 */
public final class NodePublicKey {
  private final ECPoint point;
  private final ECPublicKeyParameters parameters;
  private final EthAddress address;
  private final byte[] encoded;
  private final byte[] uncompressed;

  private NodePublicKey(ECPoint point) {
    this.point = point;
    this.parameters = new ECPublicKeyParameters(point, Secp256k1.DOMAIN);
    this.encoded = Secp256k1.encode(point);
    this.uncompressed = NativeSecp256k1.withPrefix(encoded);
    this.address = EthAddress.ofPublicKey(encoded);
  }

  static NodePublicKey of(ECPoint point) {
    return new NodePublicKey(point.normalize());
  }

  /**
   * @param xy the uncompressed key without its prefix, 64 bytes
   * @throws IllegalArgumentException when it is not a point on the curve
   */
  public static NodePublicKey fromBytes(byte[] xy) {
    return new NodePublicKey(Secp256k1.decode(xy));
  }

  public EthAddress address() {
    return address;
  }

  public byte[] toBytes() {
    return encoded.clone();
  }

  /** True when the signature over this 32-byte digest was made with this key's private key. */
  public boolean verifies(byte[] digest, Signature signature) {
    if (NativeSecp256k1.AVAILABLE) {
      return NativeSecp256k1.verify(
          digest, java.util.Arrays.copyOf(signature.toBytes(), 64), uncompressed);
    }
    return verifiesInJava(digest, signature);
  }

  /** The same check with Bouncy Castle alone. */
  boolean verifiesInJava(byte[] digest, Signature signature) {
    ECDSASigner verifier = new ECDSASigner();
    verifier.init(false, parameters);
    return verifier.verifySignature(digest, signature.r(), signature.s());
  }

  ECPoint point() {
    return point;
  }

  @Override
  public String toString() {
    return "NodePublicKey[" + address + "]";
  }
}
