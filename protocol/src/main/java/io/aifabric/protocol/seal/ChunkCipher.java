package io.aifabric.protocol.seal;

import java.security.GeneralSecurityException;
import java.security.spec.AlgorithmParameterSpec;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár), as age uses it: each chunk is
 * sealed with the payload key under a 12-byte nonce made of an 11-byte big-endian chunk counter and
 * a flag byte that is 1 only on the last chunk. Reordering, dropping or repeating chunks changes a
 * nonce; cutting the stream at a chunk boundary leaves a last chunk without the flag.
 */
final class ChunkCipher {
  static final int TAG_BYTES = 16;
  private static final int NONCE_BYTES = 12;

  private final SealSuite suite;
  private final SecretKeySpec key;
  private final Cipher cipher;
  private final byte[] nonce = new byte[NONCE_BYTES];

  ChunkCipher(SealSuite suite, byte[] key) {
    this.suite = suite;
    this.key = new SecretKeySpec(key, suite.keyAlgorithm());
    try {
      this.cipher = Cipher.getInstance(suite.transformation());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no " + suite.transformation(), e);
    }
  }

  /** Seals {@code length} bytes of {@code plain} into {@code sealed}; returns length + tag. */
  int seal(long counter, boolean last, byte[] plain, int length, byte[] sealed) {
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, nonce(counter, last));
      return cipher.doFinal(plain, 0, length, sealed, 0);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing a chunk failed", e);
    }
  }

  /**
   * Opens {@code length} sealed bytes into {@code plain}; returns the plaintext length.
   *
   * @throws AEADBadTagException when the chunk does not authenticate at this counter and flag
   */
  int open(long counter, boolean last, byte[] sealed, int length, byte[] plain)
      throws AEADBadTagException {
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, nonce(counter, last));
      return cipher.doFinal(sealed, 0, length, plain, 0);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("opening a chunk failed", e);
    }
  }

  private AlgorithmParameterSpec nonce(long counter, boolean last) {
    for (int i = 0; i < 8; i++) {
      nonce[10 - i] = (byte) (counter >>> (8 * i));
    }
    nonce[11] = (byte) (last ? 1 : 0);
    return suite == SealSuite.AES_128_GCM
        ? new GCMParameterSpec(TAG_BYTES * 8, nonce)
        : new IvParameterSpec(nonce);
  }
}
