package io.aifabric.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.Hex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir Path dir;

  @Test
  void keysAreCreatedOnceAndSurviveARestart() throws IOException {
    Path file = dir.resolve("keys/node-keys.json");
    NodeIdentity first = NodeIdentity.loadOrCreate(file, new SecureRandom());
    NodeIdentity again = NodeIdentity.loadOrCreate(file, new SecureRandom());
    assertThat(again.address()).isEqualTo(first.address());
    assertThat(again.x25519PublicKey()).isEqualTo(first.x25519PublicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void theKeyFileIsTightenedIfSomeoneLoosenedIt() throws IOException {
    Path file = dir.resolve("node-keys.json");
    NodeIdentity.loadOrCreate(file, new SecureRandom());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    NodeIdentity.loadOrCreate(file, new SecureRandom());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void privateKeysNeverAppearInItsTextForm() throws IOException {
    Path file = dir.resolve("node-keys.json");
    NodeIdentity id = NodeIdentity.loadOrCreate(file, new SecureRandom());
    String secret = Hex.encode(id.signingKey().privateBytes()).substring(2);
    assertThat(id.toString()).doesNotContain(secret).contains(id.address().toString());
    assertThat(id.signingKey().toString()).doesNotContain(secret);
  }

  @Test
  void theRegistrationIsSignedByTheNodeKey() throws IOException {
    NodeIdentity id = NodeIdentity.loadOrCreate(dir.resolve("k.json"), new SecureRandom());
    var signed = id.register("member-a", "gpu-h100-00", 1_000L);
    assertThat(signed.isValid()).isTrue();
    assertThat(signed.registration().key().address()).isEqualTo(id.address());
  }

  @Test
  void aDamagedKeyFileIsAnErrorNotANewIdentity() throws IOException {
    Path file = dir.resolve("node-keys.json");
    Files.writeString(file, "{\"secp256k1\":\"0x12\",\"x25519\":\"0x34\"}");
    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(file, new SecureRandom()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unreadable key");
  }
}
