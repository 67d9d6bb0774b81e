package io.aifabric.protocol.seal;

import org.bouncycastle.crypto.hpke.HPKE;

/**
 * The HPKE suites a sealed output may name: base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, and
 * one AEAD that seals both the HPKE header tag and every payload chunk. ChaCha20-Poly1305 is the
 * default (constant-time in pure Java on any CPU); AES-128-GCM is there for hosts where the JDK's
 * AES intrinsics make it faster (the README's benchmark says which is faster here).
 */
public enum SealSuite {
  CHACHA20_POLY1305(HPKE.aead_CHACHA20_POLY1305, "ChaCha20-Poly1305", "ChaCha20", 32),
  AES_128_GCM(HPKE.aead_AES_GCM128, "AES/GCM/NoPadding", "AES", 16);

  static final short KEM = HPKE.kem_X25519_SHA256;
  static final short KDF = HPKE.kdf_HKDF_SHA256;

  private final short aeadId;
  private final String transformation;
  private final String keyAlgorithm;
  private final int keyLength;

  SealSuite(short aeadId, String transformation, String keyAlgorithm, int keyLength) {
    this.aeadId = aeadId;
    this.transformation = transformation;
    this.keyAlgorithm = keyAlgorithm;
    this.keyLength = keyLength;
  }

  /** The RFC 9180 AEAD identifier, as the header carries it. */
  public short aeadId() {
    return aeadId;
  }

  HPKE hpke() {
    return new HPKE(HPKE.mode_base, KEM, KDF, aeadId);
  }

  String transformation() {
    return transformation;
  }

  String keyAlgorithm() {
    return keyAlgorithm;
  }

  int keyLength() {
    return keyLength;
  }

  static SealSuite of(short aeadId) throws SealedOutputException {
    for (SealSuite suite : values()) {
      if (suite.aeadId == aeadId) {
        return suite;
      }
    }
    throw new SealedOutputException(
        "the sealed output names AEAD 0x%04x, which this build does not open".formatted(aeadId));
  }
}
