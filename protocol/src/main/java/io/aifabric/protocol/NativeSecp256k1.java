package io.aifabric.protocol;

import fr.acinq.secp256k1.Secp256k1;
import java.util.logging.Logger;

/**
 * libsecp256k1 (Bitcoin Core's library, through ACINQ's JNI binding) for checking signatures: about
 * three times the rate of Bouncy Castle's pure-Java check, which decides whether one core keeps up
 * with 100,000 nodes' heartbeats. Used only if it loads and passes a self-test against Bouncy
 * Castle at start; otherwise (another platform, {@code -Daifabric.secp256k1.native=false}) {@link
 * NodePublicKey} checks with Bouncy Castle, which gives the same answers, slower.
 */
final class NativeSecp256k1 {
  private static final Logger LOG = Logger.getLogger(NativeSecp256k1.class.getName());
  static final boolean AVAILABLE = load();

  private NativeSecp256k1() {}

  /**
   * @param rs the signature's r||s, 64 bytes, low s
   * @param uncompressedKey 0x04||X||Y, 65 bytes
   */
  static boolean verify(byte[] digest, byte[] rs, byte[] uncompressedKey) {
    return Secp256k1.Companion.verify(rs, digest, uncompressedKey);
  }

  private static boolean load() {
    if ("false".equals(System.getProperty("aifabric.secp256k1.native"))) {
      return false;
    }
    try {
      NodeKey key = NodeKey.fromPrivateBytes(Keccak256.hash("aifabric self-test".getBytes()));
      byte[] digest = Keccak256.hash(new byte[] {1});
      byte[] rs = java.util.Arrays.copyOf(key.sign(digest).toBytes(), 64);
      byte[] pub = withPrefix(key.publicKey().toBytes());
      boolean good = Secp256k1.Companion.verify(rs, digest, pub);
      boolean bad = Secp256k1.Companion.verify(rs, Keccak256.hash(new byte[] {2}), pub);
      if (good && !bad) {
        return true;
      }
      LOG.warning("libsecp256k1 failed its self-test; checking signatures with Bouncy Castle");
    } catch (Throwable t) {
      // A missing native library is an Error (UnsatisfiedLinkError), not an Exception.
      LOG.info(
          "libsecp256k1 not available here (" + t + "); checking signatures with Bouncy Castle");
    }
    return false;
  }

  static byte[] withPrefix(byte[] xy) {
    byte[] out = new byte[65];
    out[0] = 0x04;
    System.arraycopy(xy, 0, out, 1, 64);
    return out;
  }
}
