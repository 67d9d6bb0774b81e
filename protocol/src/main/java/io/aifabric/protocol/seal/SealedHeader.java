package io.aifabric.protocol.seal;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The header of a sealed output, format version 1. All integers are big-endian.
 *
 * <pre>
 * offset  bytes  field
 *      0      4  magic "AIFS"
 *      4      1  format version: 1
 *      5      2  KEM id: 0x0020 DHKEM(X25519, HKDF-SHA256)
 *      7      2  KDF id: 0x0001 HKDF-SHA256
 *      9      2  AEAD id: 0x0003 ChaCha20-Poly1305 (default) or 0x0001 AES-128-GCM
 *     11      4  chunk size: 65536 (the only one version 1 allows)
 *     15      2  length of enc: 32
 *     17     32  enc, the HPKE encapsulated key
 *     49      2  length n of info (at most 1024)
 *     51      n  info, the {@link SealBinding}: an output's or an input's
 *   51+n     16  header tag: HPKE Seal(aad = bytes 0 .. 51+n, plaintext = empty), sequence 0
 * </pre>
 *
 * The payload key is HPKE Export("aifabric payload key", Nk); the chunks follow the header (see
 * {@link ChunkCipher}). The tag authenticates every header byte under the recipient's key, so a
 * wrong key or an edited header is refused before any chunk is read.
 */
record SealedHeader(SealSuite suite, byte[] enc, byte[] info) {
  static final byte[] MAGIC = "AIFS".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int CHUNK_BYTES = 64 * 1024;
  static final byte[] PAYLOAD_KEY_LABEL = "aifabric payload key".getBytes(StandardCharsets.UTF_8);
  private static final int ENC_BYTES = 32;
  private static final int MAX_INFO = 1024;

  /** The length of a whole header (its tag included) whose binding encodes to {@code info}. */
  static long lengthFor(byte[] info) {
    return MAGIC.length
        + 1
        + 2
        + 2
        + 2
        + 4
        + 2
        + ENC_BYTES
        + 2
        + info.length
        + ChunkCipher.TAG_BYTES;
  }

  /** Every header byte before the tag: the HPKE aad of the tag. */
  byte[] authenticated() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + info.length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      out.writeShort(SealSuite.KEM);
      out.writeShort(SealSuite.KDF);
      out.writeShort(suite.aeadId());
      out.writeInt(CHUNK_BYTES);
      out.writeShort(enc.length);
      out.write(enc);
      out.writeShort(info.length);
      out.write(info);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a header up to (not including) its tag.
   *
   * @throws SealedOutputException when the bytes are not a version-1 header
   */
  static SealedHeader read(InputStream stream) throws IOException {
    DataInputStream in = new DataInputStream(stream);
    try {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new SealedOutputException("this is not a sealed aifabric output (no AIFS header)");
      }
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new SealedOutputException(
            "the sealed output is format version %d; this build reads version %d"
                .formatted(version, VERSION));
      }
      int kem = in.readUnsignedShort();
      int kdf = in.readUnsignedShort();
      if (kem != SealSuite.KEM || kdf != SealSuite.KDF) {
        throw new SealedOutputException(
            "the sealed output names KEM 0x%04x and KDF 0x%04x; version 1 uses 0x0020 and 0x0001"
                .formatted(kem, kdf));
      }
      SealSuite suite = SealSuite.of((short) in.readUnsignedShort());
      int chunk = in.readInt();
      if (chunk != CHUNK_BYTES) {
        throw new SealedOutputException(
            "the sealed output's chunks are %d bytes; version 1 uses %d"
                .formatted(chunk, CHUNK_BYTES));
      }
      int encLength = in.readUnsignedShort();
      if (encLength != ENC_BYTES) {
        throw new SealedOutputException(
            "the sealed output's encapsulated key has %d bytes, not 32".formatted(encLength));
      }
      byte[] enc = in.readNBytes(ENC_BYTES);
      int infoLength = in.readUnsignedShort();
      if (infoLength > MAX_INFO) {
        throw new SealedOutputException(
            "the sealed output's binding has %d bytes, more than %d"
                .formatted(infoLength, MAX_INFO));
      }
      byte[] info = in.readNBytes(infoLength);
      if (enc.length != ENC_BYTES || info.length != infoLength) {
        throw new EOFException();
      }
      return new SealedHeader(suite, enc, info);
    } catch (EOFException e) {
      throw new SealedOutputException("the sealed output ends inside its header (truncated)");
    }
  }
}
