package io.aifabric.protocol.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;
import org.bouncycastle.crypto.hpke.HPKEContext;

/**
 * Opens a sealed output for its recipient, chunk by chunk: a chunk's plaintext is handed out only
 * once its tag has been checked, so no byte anyone altered is ever returned. That alone does not
 * say the output is whole — a stream cut after a chunk boundary is found only at its end, as the
 * missing last-chunk flag — so {@link #read} throws there, and callers that must not act on a
 * partial output write to a temporary file first ({@link SealedFiles#open}).
 *
 * <p>Every way a stream can be wrong ends in a {@link SealedOutputException} saying which: another
 * job's or replica's output, another recipient's, a header or chunk altered, chunks dropped,
 * reordered or repeated, the stream cut short, bytes after its end.
 */
public final class OpeningInputStream extends InputStream {
  private final PushbackInputStream in;
  private final MessageDigest digest;
  private final ChunkCipher cipher;
  private final byte[] sealed = new byte[SealedHeader.CHUNK_BYTES + ChunkCipher.TAG_BYTES];
  private final byte[] plain = new byte[SealedHeader.CHUNK_BYTES];
  private int plainLength;
  private int plainOffset;
  private long counter;
  private long sealedBytes;
  private long plainBytes;
  private boolean ended;

  private OpeningInputStream(
      PushbackInputStream in, MessageDigest digest, ChunkCipher cipher, long headerBytes) {
    this.in = in;
    this.digest = digest;
    this.cipher = cipher;
    this.sealedBytes = headerBytes;
  }

  /**
   * Reads and checks the header: the stream must be bound to {@code expected} and sealed to {@code
   * recipient}.
   *
   * @throws SealedOutputException when it is not
   */
  public static OpeningInputStream open(
      InputStream sealedStream, X25519KeyPair recipient, SealBinding expected) throws IOException {
    Start start = Start.read(sealedStream, expected);
    return start.opening(start.unlock(recipient));
  }

  /**
   * The payload key of a sealed stream, for its recipient, from its header alone: what a key grant
   * passes on to a node ({@link KeyGrant}), so that the node can open the stream without the
   * recipient's own key.
   *
   * @throws SealedOutputException when the header is not bound to {@code expected} or not sealed to
   *     {@code recipient}
   */
  public static byte[] payloadKey(
      InputStream sealedStream, X25519KeyPair recipient, SealBinding expected) throws IOException {
    return Start.read(sealedStream, expected).unlock(recipient);
  }

  /**
   * Opens with a payload key that its recipient granted. The header's tag cannot be checked without
   * the recipient's key, but every chunk still is, under the payload key; the header itself is
   * pinned by the content address the grant names, which the caller compares with {@link
   * #summary()} before it uses anything it opened ({@link SealedFiles#openGranted} does).
   *
   * @throws SealedOutputException when the header is not bound to {@code expected} or the key is
   *     not the length its suite uses
   */
  public static OpeningInputStream openWithPayloadKey(
      InputStream sealedStream, byte[] payloadKey, SealBinding expected) throws IOException {
    Start start = Start.read(sealedStream, expected);
    if (payloadKey.length != start.header.suite().keyLength()) {
      throw new SealedOutputException(
          "a %s payload key has %d bytes, not %d"
              .formatted(
                  start.header.suite().transformation(),
                  start.header.suite().keyLength(),
                  payloadKey.length));
    }
    return start.opening(payloadKey.clone());
  }

  /** A header read up to its tag, the binding checked, the stream positioned at the first chunk. */
  private record Start(
      PushbackInputStream in, MessageDigest digest, SealedHeader header, byte[] tag, byte[] info) {
    static Start read(InputStream sealedStream, SealBinding expected) throws IOException {
      MessageDigest digest = SealingOutputStream.sha256();
      PushbackInputStream in =
          new PushbackInputStream(new DigestInputStream(sealedStream, digest), 1);
      SealedHeader header = SealedHeader.read(in);
      byte[] info = expected.info();
      if (!Arrays.equals(header.info(), info)) {
        throw new SealedOutputException(
            "this is the sealed stream of %s, not of %s"
                .formatted(SealBinding.describe(header.info()), expected));
      }
      byte[] tag = in.readNBytes(ChunkCipher.TAG_BYTES);
      if (tag.length != ChunkCipher.TAG_BYTES) {
        throw new SealedOutputException("the sealed output ends inside its header (truncated)");
      }
      return new Start(in, digest, header, tag, info);
    }

    /** The payload key, once the header's tag checks out under the recipient's key. */
    byte[] unlock(X25519KeyPair recipient) throws SealedOutputException {
      HPKE hpke = header.suite().hpke();
      AsymmetricCipherKeyPair keys =
          hpke.deserializePrivateKey(recipient.secretKey(), recipient.publicKey());
      HPKEContext context;
      try {
        context = hpke.setupBaseR(header.enc(), keys, info);
        context.open(header.authenticated(), tag);
      } catch (InvalidCipherTextException | IllegalStateException e) {
        throw new SealedOutputException(
            "the sealed output is not sealed to the key "
                + recipient.publicKeyBase64()
                + " (or its header was altered)");
      }
      return context.export(SealedHeader.PAYLOAD_KEY_LABEL, header.suite().keyLength());
    }

    OpeningInputStream opening(byte[] payloadKey) {
      return new OpeningInputStream(
          in,
          digest,
          new ChunkCipher(header.suite(), payloadKey),
          header.authenticated().length + (long) tag.length);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (plainOffset == plainLength) {
      if (ended) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, plainLength - plainOffset);
    System.arraycopy(plain, plainOffset, b, off, n);
    plainOffset += n;
    return n;
  }

  /** What was opened: content address (SHA-256 of every sealed byte) and sizes; at the end only. */
  public SealedSummary summary() {
    if (!ended) {
      throw new IllegalStateException("the sealed output has not been read to its end");
    }
    try {
      return new SealedSummary(((MessageDigest) digest.clone()).digest(), sealedBytes, plainBytes);
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void nextChunk() throws IOException {
    int length = in.readNBytes(sealed, 0, sealed.length);
    int next = in.read();
    boolean atEnd = next == -1;
    if (!atEnd) {
      in.unread(next);
    }
    long chunk = counter++;
    sealedBytes += length;
    if (length == 0) {
      throw new SealedOutputException(
          chunk == 0
              ? "the sealed output has a header and no chunks (truncated)"
              : "the sealed output ends after chunk %d without its last chunk (truncated)"
                  .formatted(chunk - 1));
    }
    if (length < ChunkCipher.TAG_BYTES) {
      throw new SealedOutputException(
          "chunk %d is cut short: %d bytes (truncated)".formatted(chunk, length));
    }
    boolean full = length == sealed.length;
    try {
      plainLength = cipher.open(chunk, atEnd, sealed, length, plain);
    } catch (AEADBadTagException wrongFlag) {
      throw explain(chunk, atEnd, full, length);
    }
    plainOffset = 0;
    plainBytes += plainLength;
    if (atEnd) {
      if (plainLength == 0 && chunk > 0) {
        throw new SealedOutputException(
            "the sealed output ends with an empty chunk after a full one, which no sealer writes");
      }
      ended = true;
    }
  }

  /** Why a chunk did not open: it opens with the other flag only if the stream was cut or grown. */
  private SealedOutputException explain(long chunk, boolean atEnd, boolean full, int length) {
    if (full || !atEnd) {
      try {
        cipher.open(chunk, !atEnd, sealed, length, plain);
        return new SealedOutputException(
            atEnd
                ? "the sealed output ends after chunk %d without its last chunk (truncated)"
                    .formatted(chunk)
                : "bytes follow the last chunk (%d) of the sealed output (appended)"
                    .formatted(chunk));
      } catch (AEADBadTagException stillWrong) {
        // neither flag: the chunk itself is wrong
      }
    }
    return new SealedOutputException(
        "chunk %d of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)"
            .formatted(chunk));
  }
}
