package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SealedStreamTest {
  private static final int CHUNK = 64 * 1024;
  private static final int SEALED_CHUNK = CHUNK + 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final X25519KeyPair USER = X25519KeyPair.generate(RANDOM);
  private static final OutputBinding JOB = new OutputBinding("aifabric-test", "uid-1", 0);

  @ParameterizedTest
  @ValueSource(ints = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17})
  void whatIsSealedOpensToTheSameBytes(int size) throws IOException {
    byte[] plain = bytes(size, size);

    byte[] sealed = seal(plain, JOB);

    assertThat(open(sealed, USER, JOB)).isEqualTo(plain);
    int chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
    assertThat(sealed.length).isEqualTo(headerLength(JOB) + size + 16L * chunks);
    // Known before sealing, so an upload can name its length up front.
    assertThat(SealingOutputStream.sealedLength(size, JOB)).isEqualTo(sealed.length);
  }

  @ParameterizedTest
  @EnumSource(SealSuite.class)
  void bothSuitesSealAndOpen(SealSuite suite) throws IOException {
    byte[] plain = bytes(2 * CHUNK + 5, 7);
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (SealingOutputStream out =
        SealingOutputStream.to(sealed, USER.publicKey(), JOB, suite, RANDOM)) {
      out.write(plain);
    }

    assertThat(open(sealed.toByteArray(), USER, JOB)).isEqualTo(plain);
  }

  @Test
  void theContentAddressIsTheSha256OfTheSealedBytesOnBothSides() throws Exception {
    byte[] plain = bytes(CHUNK + 3, 1);
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    SealingOutputStream out = SealingOutputStream.to(sealed, USER.publicKey(), JOB);
    out.write(plain);
    out.close();

    byte[] expected = MessageDigest.getInstance("SHA-256").digest(sealed.toByteArray());
    assertThat(out.summary().contentAddress()).isEqualTo(expected);
    assertThat(out.summary().sealedBytes()).isEqualTo(sealed.size());
    assertThat(out.summary().plainBytes()).isEqualTo(plain.length);
    try (OpeningInputStream in =
        OpeningInputStream.open(new ByteArrayInputStream(sealed.toByteArray()), USER, JOB)) {
      in.transferTo(OutputStream.nullOutputStream());
      assertThat(in.summary()).usingRecursiveComparison().isEqualTo(out.summary());
    }
  }

  @Test
  void aHundredMebibytesSealAndOpenAsAStream(@TempDir Path dir) throws Exception {
    long size = 100L * 1024 * 1024;
    Path sealed = dir.resolve("out.sealed");
    MessageDigest written = MessageDigest.getInstance("SHA-256");
    try (SealingOutputStream out =
        SealingOutputStream.to(Files.newOutputStream(sealed), USER.publicKey(), JOB)) {
      byte[] block = new byte[1 << 20];
      Random random = new Random(42);
      for (long done = 0; done < size; done += block.length) {
        random.nextBytes(block);
        written.update(block);
        out.write(block);
      }
    }
    MessageDigest read = MessageDigest.getInstance("SHA-256");
    try (InputStream in =
        new DigestInputStream(
            OpeningInputStream.open(Files.newInputStream(sealed), USER, JOB), read)) {
      assertThat(in.transferTo(OutputStream.nullOutputStream())).isEqualTo(size);
    }

    assertThat(read.digest()).isEqualTo(written.digest());
    assertThat(Files.size(sealed)).isEqualTo(headerLength(JOB) + size + 16L * (size / CHUNK));
  }

  @Test
  void aFlippedByteInAnyChunkIsRefusedAtThatChunk() throws IOException {
    byte[] sealed = seal(bytes(3 * CHUNK + 100, 3), JOB);
    int header = headerLength(JOB);
    for (int chunk = 0; chunk < 4; chunk++) {
      byte[] tampered = sealed.clone();
      tampered[header + chunk * SEALED_CHUNK + 10] ^= 1;

      assertRefused(
          tampered,
          "chunk %d of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)"
              .formatted(chunk));
    }
  }

  @Test
  void aFlippedTagByteIsRefusedToo() throws IOException {
    byte[] sealed = seal(bytes(10, 3), JOB);
    sealed[sealed.length - 1] ^= (byte) 0x80;

    assertRefused(
        sealed,
        "chunk 0 of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)");
  }

  @Test
  void droppedReorderedAndRepeatedChunksAreRefused() throws IOException {
    byte[] sealed = seal(bytes(3 * CHUNK + 100, 4), JOB);
    int header = headerLength(JOB);
    byte[][] chunks = new byte[4][];
    for (int i = 0; i < 4; i++) {
      chunks[i] =
          Arrays.copyOfRange(
              sealed,
              header + i * SEALED_CHUNK,
              Math.min(sealed.length, header + (i + 1) * SEALED_CHUNK));
    }
    byte[] head = Arrays.copyOf(sealed, header);
    String atChunk1 =
        "chunk 1 of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)";

    assertRefused(concat(head, chunks[0], chunks[2], chunks[3]), atChunk1);
    assertRefused(concat(head, chunks[0], chunks[2], chunks[1], chunks[3]), atChunk1);
    assertRefused(concat(head, chunks[0], chunks[0], chunks[1], chunks[2], chunks[3]), atChunk1);
  }

  @Test
  void aStreamCutAtAChunkBoundaryIsTruncatedNotShort() throws IOException {
    byte[] sealed = seal(bytes(3 * CHUNK + 100, 5), JOB);
    int header = headerLength(JOB);

    assertRefused(
        Arrays.copyOf(sealed, header + 2 * SEALED_CHUNK),
        "the sealed output ends after chunk 1 without its last chunk (truncated)");
    assertRefused(
        Arrays.copyOf(sealed, header), "the sealed output has a header and no chunks (truncated)");
  }

  @Test
  void aStreamCutInsideAChunkOrTheHeaderIsRefused() throws IOException {
    byte[] sealed = seal(bytes(3 * CHUNK + 100, 6), JOB);
    int header = headerLength(JOB);

    assertRefused(
        Arrays.copyOf(sealed, header + SEALED_CHUNK + 500),
        "chunk 1 of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)");
    assertRefused(
        Arrays.copyOf(sealed, header + SEALED_CHUNK + 7),
        "chunk 1 is cut short: 7 bytes (truncated)");
    assertRefused(
        Arrays.copyOf(sealed, 40), "the sealed output ends inside its header (truncated)");
  }

  @Test
  void bytesAfterTheLastChunkAreRefused() throws IOException {
    byte[] exactlyOneChunk = seal(bytes(CHUNK, 8), JOB);
    byte[] shortOne = seal(bytes(100, 8), JOB);

    assertRefused(
        concat(exactlyOneChunk, new byte[] {0}),
        "bytes follow the last chunk (0) of the sealed output (appended)");
    assertRefused(
        concat(shortOne, new byte[] {1, 2, 3}),
        "chunk 0 of the sealed output does not authenticate (altered, dropped, reordered or repeated chunks)");
  }

  @Test
  void anotherRecipientsKeyDoesNotOpenIt() throws IOException {
    X25519KeyPair stranger = X25519KeyPair.generate(RANDOM);
    byte[] sealed = seal(bytes(100, 9), JOB);

    assertThatThrownBy(() -> open(sealed, stranger, JOB))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(
            "the sealed output is not sealed to the key "
                + stranger.publicKeyBase64()
                + " (or its header was altered)");
  }

  @Test
  void anotherJobsOrReplicasOutputIsRefusedAndSaysWhose() throws IOException {
    byte[] sealed = seal(bytes(100, 10), JOB);

    assertThatThrownBy(() -> open(sealed, USER, new OutputBinding("aifabric-test", "uid-1", 1)))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(
            "this is the sealed stream of job uid-1 replica 0 on network aifabric-test,"
                + " not of job uid-1 replica 1 on network aifabric-test");
    assertThatThrownBy(() -> open(sealed, USER, new OutputBinding("aifabric-test", "uid-2", 0)))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageStartingWith("this is the sealed stream of job uid-1 replica 0");
  }

  @Test
  void aHeaderRewrittenToNameAnotherReplicaDoesNotOpenAsThatReplica() throws IOException {
    OutputBinding replica1 = new OutputBinding("aifabric-test", "uid-1", 1);
    byte[] sealed = seal(bytes(100, 11), JOB);
    byte[] info = JOB.info();
    byte[] forged = sealed.clone();
    // the replica is the info's last byte, at offset 51 + info length - 1
    forged[51 + info.length - 1] = 1;

    assertRefused(
        forged,
        replica1,
        "the sealed output is not sealed to the key "
            + USER.publicKeyBase64()
            + " (or its header was altered)");
  }

  @Test
  void anEditedHeaderByteIsRefusedBeforeAnyChunk() throws IOException {
    byte[] sealed = seal(bytes(100, 12), JOB);
    byte[] encEdited = sealed.clone();
    encEdited[20] ^= 4;
    byte[] tagEdited = sealed.clone();
    tagEdited[headerLength(JOB) - 1] ^= 4;

    String notOurs =
        "the sealed output is not sealed to the key "
            + USER.publicKeyBase64()
            + " (or its header was altered)";
    assertRefused(encEdited, notOurs);
    assertRefused(tagEdited, notOurs);
  }

  @Test
  void notASealedOutputOrAnotherVersionIsSaidSo() throws IOException {
    byte[] sealed = seal(bytes(100, 13), JOB);
    byte[] version2 = sealed.clone();
    version2[4] = 2;

    assertRefused("plain text".getBytes(), "this is not a sealed aifabric output (no AIFS header)");
    assertRefused(version2, "the sealed output is format version 2; this build reads version 1");
  }

  @Test
  void aLowOrderRecipientKeyIsRefusedBeforeAnythingIsSealed() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> SealingOutputStream.to(out, new byte[32], JOB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the recipient's public key is not a usable X25519 key (a low-order point)");
    assertThat(out.size()).isZero();
  }

  @Test
  void aFailedOpenLeavesNeitherTheTargetNorAPartialFile(@TempDir Path dir) throws IOException {
    byte[] sealed = seal(bytes(3 * CHUNK, 14), JOB);
    Path target = dir.resolve("result.tar");

    assertThatThrownBy(
            () ->
                SealedFiles.open(
                    new ByteArrayInputStream(Arrays.copyOf(sealed, sealed.length - SEALED_CHUNK)),
                    USER,
                    JOB,
                    target))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage("the sealed output ends after chunk 1 without its last chunk (truncated)");
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }

    SealedSummary opened = SealedFiles.open(new ByteArrayInputStream(sealed), USER, JOB, target);
    assertThat(Files.readAllBytes(target)).isEqualTo(bytes(3 * CHUNK, 14));
    assertThat(opened.contentAddress()).isEqualTo(SealingOutputStream.sha256().digest(sealed));
  }

  private static void assertRefused(byte[] sealed, String message) {
    assertRefused(sealed, JOB, message);
  }

  private static void assertRefused(byte[] sealed, OutputBinding binding, String message) {
    ByteArrayOutputStream released = new ByteArrayOutputStream();
    assertThatThrownBy(
            () -> {
              try (InputStream in =
                  OpeningInputStream.open(new ByteArrayInputStream(sealed), USER, binding)) {
                in.transferTo(released);
              }
            })
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(message);
  }

  private static byte[] seal(byte[] plain, OutputBinding binding) throws IOException {
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (SealingOutputStream out = SealingOutputStream.to(sealed, USER.publicKey(), binding)) {
      out.write(plain);
    }
    return sealed.toByteArray();
  }

  private static byte[] open(byte[] sealed, X25519KeyPair key, OutputBinding binding)
      throws IOException {
    try (InputStream in = OpeningInputStream.open(new ByteArrayInputStream(sealed), key, binding)) {
      return in.readAllBytes();
    }
  }

  private static int headerLength(OutputBinding binding) {
    return 51 + binding.info().length + 16;
  }

  private static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
