package io.aifabric.protocol.seal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContextWithEncapsulation;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * Seals whatever is written to it to a recipient's X25519 public key, for one {@link SealBinding}
 * (a job output or a volume input): the header (see {@link SealedHeader}) and then 64 KiB chunks as
 * they fill. Memory is two chunk buffers whatever the size. A full chunk is held until a further
 * byte arrives, so the last chunk — the one {@link #close()} writes, flagged as last — is never
 * empty unless nothing at all was written.
 *
 * <p>The content address of the output is the SHA-256 of every byte this stream wrote ({@link
 * #summary()} after close): the digest a work receipt carries.
 */
public final class SealingOutputStream extends OutputStream {
  private final OutputStream out;
  private final MessageDigest digest;
  private final ChunkCipher cipher;
  private final byte[] buffer = new byte[SealedHeader.CHUNK_BYTES];
  private final byte[] sealed = new byte[SealedHeader.CHUNK_BYTES + ChunkCipher.TAG_BYTES];
  private int filled;
  private long counter;
  private long plainBytes;
  private long sealedBytes;
  private SealedSummary summary;

  private SealingOutputStream(OutputStream out, ChunkCipher cipher, MessageDigest digest) {
    this.out = out;
    this.cipher = cipher;
    this.digest = digest;
  }

  /** Seals with the default suite, ChaCha20-Poly1305. */
  public static SealingOutputStream to(
      OutputStream out, byte[] recipientPublicKey, SealBinding binding) throws IOException {
    return to(out, recipientPublicKey, binding, SealSuite.CHACHA20_POLY1305, new SecureRandom());
  }

  /**
   * Writes the header to {@code out} and returns the stream to write the plaintext to.
   *
   * @throws IllegalArgumentException when the recipient key is not a usable X25519 public key
   */
  public static SealingOutputStream to(
      OutputStream out,
      byte[] recipientPublicKey,
      SealBinding binding,
      SealSuite suite,
      SecureRandom random)
      throws IOException {
    HPKE hpke = suite.hpke();
    if (recipientPublicKey.length != X25519KeyPair.KEY_BYTES) {
      throw new IllegalArgumentException("the recipient's X25519 public key has 32 bytes");
    }
    AsymmetricKeyParameter recipient = hpke.deserializePublicKey(recipientPublicKey);
    X25519PrivateKeyParameters ephemeral = new X25519PrivateKeyParameters(random);
    AsymmetricCipherKeyPair ephemeralPair =
        new AsymmetricCipherKeyPair(ephemeral.generatePublicKey(), ephemeral);
    HPKEContextWithEncapsulation context;
    try {
      context = hpke.setupBaseS(recipient, binding.info(), ephemeralPair);
    } catch (IllegalStateException e) {
      // BC refuses a low-order public key, whose shared secret would be all zeros.
      throw new IllegalArgumentException(
          "the recipient's public key is not a usable X25519 key (a low-order point)", e);
    }
    SealedHeader header = new SealedHeader(suite, context.getEncapsulation(), binding.info());
    byte[] authenticated = header.authenticated();
    byte[] tag;
    try {
      tag = context.seal(authenticated, new byte[0]);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("sealing the header failed", e);
    }
    byte[] payloadKey = context.export(SealedHeader.PAYLOAD_KEY_LABEL, suite.keyLength());
    SealingOutputStream stream =
        new SealingOutputStream(out, new ChunkCipher(suite, payloadKey), sha256());
    stream.emit(authenticated, authenticated.length);
    stream.emit(tag, tag.length);
    return stream;
  }

  /**
   * How many bytes sealing {@code plainBytes} for {@code binding} writes, known before a byte is
   * sealed: the header (67 bytes and the binding's info), then every chunk's plaintext and a
   * 16-byte tag per chunk — one chunk per 64 KiB begun, and one (empty) chunk for an empty output.
   * An upload can then name its length up front and stream the sealed bytes as they are made.
   */
  public static long sealedLength(long plainBytes, SealBinding binding) {
    if (plainBytes < 0) {
      throw new IllegalArgumentException("a length is never negative");
    }
    long chunks =
        Math.max(1, (plainBytes + SealedHeader.CHUNK_BYTES - 1) / SealedHeader.CHUNK_BYTES);
    return SealedHeader.lengthFor(binding.info()) + plainBytes + chunks * ChunkCipher.TAG_BYTES;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (summary != null) {
      throw new IOException("the sealed output is closed");
    }
    while (len > 0) {
      if (filled == buffer.length) {
        chunk(false);
      }
      int n = Math.min(len, buffer.length - filled);
      System.arraycopy(b, off, buffer, filled, n);
      filled += n;
      off += n;
      len -= n;
      plainBytes += n;
    }
  }

  /** Writes the last chunk and closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (summary != null) {
      return;
    }
    chunk(true);
    out.close();
    summary = new SealedSummary(digest.digest(), sealedBytes, plainBytes);
  }

  /** What was sealed: the content address and sizes; only after {@link #close()}. */
  public SealedSummary summary() {
    if (summary == null) {
      throw new IllegalStateException("the sealed output is not closed yet");
    }
    return summary;
  }

  private void chunk(boolean last) throws IOException {
    int length = cipher.seal(counter++, last, buffer, filled, sealed);
    emit(sealed, length);
    filled = 0;
  }

  private void emit(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
    digest.update(bytes, 0, length);
    sealedBytes += length;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
