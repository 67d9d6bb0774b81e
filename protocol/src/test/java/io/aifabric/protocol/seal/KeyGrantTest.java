package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume's input sealed to the user's key, its payload key granted to one node for one job: the
 * node opens the input without the user's key, and nobody else opens the grant or reuses it.
 */
class KeyGrantTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final X25519KeyPair USER = X25519KeyPair.generate(RANDOM);
  private static final X25519KeyPair NODE = X25519KeyPair.generate(RANDOM);
  private static final InputBinding INPUT = new InputBinding("aifabric-test", "vol-uid", "train");

  @Test
  void theNodeOpensTheInputWithTheGrantAndWithoutTheUsersKey(@TempDir Path dir) throws IOException {
    byte[] plain = new byte[3 * 64 * 1024 + 5];
    new Random(1).nextBytes(plain);
    Sealed input = seal(plain, INPUT);
    KeyGrant.Binding binding = grantFor("job-uid", "member-a.gpu-1", input.address());

    // The user: the payload key from the header alone, sealed to the node.
    byte[] key = OpeningInputStream.payloadKey(input.stream(), USER, INPUT);
    byte[] grant = KeyGrant.wrap(key, NODE.publicKey(), binding, RANDOM);
    // The node: only its own key and the grant.
    byte[] unwrapped = KeyGrant.unwrap(grant, NODE, binding);
    Path target = dir.resolve("train.tar");
    SealedSummary opened =
        SealedFiles.openGranted(input.stream(), unwrapped, INPUT, input.address(), target);

    assertThat(Files.readAllBytes(target)).isEqualTo(plain);
    assertThat(opened.contentAddress()).isEqualTo(input.address());
    assertThat(grant).hasSize(1 + 32 + 32 + 16);
  }

  @Test
  void aGrantOpensForNoOtherNodeJobOrStream() throws IOException {
    Sealed input = seal(new byte[10], INPUT);
    KeyGrant.Binding binding = grantFor("job-uid", "member-a.gpu-1", input.address());
    byte[] key = OpeningInputStream.payloadKey(input.stream(), USER, INPUT);
    byte[] grant = KeyGrant.wrap(key, NODE.publicKey(), binding, RANDOM);
    X25519KeyPair otherNode = X25519KeyPair.generate(RANDOM);
    byte[] otherAddress = input.address();
    otherAddress[0] ^= 1;

    assertThatThrownBy(() -> KeyGrant.unwrap(grant, otherNode, binding))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(
            "the key grant does not open for node member-a.gpu-1 and job job-uid: it is sealed"
                + " to another node's key or for another job or stream");
    for (KeyGrant.Binding elsewhere :
        new KeyGrant.Binding[] {
          grantFor("other-job", "member-a.gpu-1", input.address()),
          grantFor("job-uid", "member-a.gpu-2", input.address()),
          grantFor("job-uid", "member-a.gpu-1", otherAddress),
          new KeyGrant.Binding("other-net", "job-uid", "member-a.gpu-1", input.address())
        }) {
      assertThatThrownBy(() -> KeyGrant.unwrap(grant, NODE, elsewhere))
          .isInstanceOf(SealedOutputException.class)
          .hasMessageStartingWith("the key grant does not open for node");
    }
    byte[] flipped = grant.clone();
    flipped[40] ^= 1;
    assertThatThrownBy(() -> KeyGrant.unwrap(flipped, NODE, binding))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageStartingWith("the key grant does not open for node");
    assertThatThrownBy(() -> KeyGrant.unwrap(Arrays.copyOf(grant, 20), NODE, binding))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage("this is not a version-1 key grant (20 bytes)");
  }

  @Test
  void aGrantedKeyOpensNoOtherStreamThanTheOneItWasGrantedFor(@TempDir Path dir)
      throws IOException {
    Sealed input = seal("the user's data".getBytes(), INPUT);
    byte[] key = OpeningInputStream.payloadKey(input.stream(), USER, INPUT);
    // Another stream whose header an attacker rewrote: same binding, other bytes.
    Sealed other = seal("someone else's data".getBytes(), INPUT);
    Path target = dir.resolve("train.tar");

    assertThatThrownBy(
            () -> SealedFiles.openGranted(other.stream(), key, INPUT, input.address(), target))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(
            "chunk 0 of the sealed output does not authenticate (altered, dropped,"
                + " reordered or repeated chunks)");
    // The same stream with a header byte altered: its chunks open, its address does not match.
    byte[] edited = input.bytes().clone();
    edited[20] ^= 1;
    assertThatThrownBy(
            () ->
                SealedFiles.openGranted(
                    new ByteArrayInputStream(edited), key, INPUT, input.address(), target))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageEndingWith(", not the one its key was granted for");
    assertThat(target).doesNotExist();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void anInputOpensAsNoOtherVolumesInputNorAsAJobsOutput() throws IOException {
    Sealed input = seal(new byte[10], INPUT);

    assertThatThrownBy(
            () ->
                OpeningInputStream.payloadKey(
                    input.stream(), USER, new InputBinding("aifabric-test", "vol-uid", "eval")))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage(
            "this is the sealed stream of input train of volume vol-uid on network aifabric-test,"
                + " not of input eval of volume vol-uid on network aifabric-test");
    assertThatThrownBy(
            () ->
                OpeningInputStream.open(
                    input.stream(), USER, new OutputBinding("aifabric-test", "vol-uid", 0)))
        .isInstanceOf(SealedOutputException.class)
        .hasMessageStartingWith("this is the sealed stream of input train of volume vol-uid");
    // A granted key of the wrong length (another suite's) is refused before any chunk.
    assertThatThrownBy(
            () -> OpeningInputStream.openWithPayloadKey(input.stream(), new byte[16], INPUT))
        .isInstanceOf(SealedOutputException.class)
        .hasMessage("a ChaCha20-Poly1305 payload key has 32 bytes, not 16");
  }

  private static KeyGrant.Binding grantFor(String job, String node, byte[] address) {
    return new KeyGrant.Binding("aifabric-test", job, node, address);
  }

  private record Sealed(byte[] bytes) {
    ByteArrayInputStream stream() {
      return new ByteArrayInputStream(bytes);
    }

    byte[] address() {
      try {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Sealed seal(byte[] plain, SealBinding binding) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SealingOutputStream sealing = SealingOutputStream.to(out, USER.publicKey(), binding)) {
      sealing.write(plain);
    }
    return new Sealed(out.toByteArray());
  }
}
