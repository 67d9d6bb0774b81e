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

class NodeKeyringTest {
  @TempDir Path dir;

  @Test
  void keysAreCreatedOnceAndSurviveARestart() throws IOException {
    Path file = dir.resolve("keys/node-keys.json");
    NodeKeyring first = NodeKeyring.loadOrCreate(file, new SecureRandom());
    NodeKeyring again = NodeKeyring.loadOrCreate(file, new SecureRandom());
    assertThat(again.address()).isEqualTo(first.address());
    assertThat(again.x25519PublicKey()).isEqualTo(first.x25519PublicKey());
    assertThat(again.brokerKey().getPublic()).isEqualTo(first.brokerKey().getPublic());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void theKeyFileIsTightenedIfSomeoneLoosenedIt() throws IOException {
    Path file = dir.resolve("node-keys.json");
    NodeKeyring.loadOrCreate(file, new SecureRandom());
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    NodeKeyring.loadOrCreate(file, new SecureRandom());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void privateKeysNeverAppearInItsTextForm() throws IOException {
    Path file = dir.resolve("node-keys.json");
    NodeKeyring id = NodeKeyring.loadOrCreate(file, new SecureRandom());
    String secret = Hex.encode(id.signingKey().privateBytes()).substring(2);
    assertThat(id.toString()).doesNotContain(secret).contains(id.address().toString());
    assertThat(id.signingKey().toString()).doesNotContain(secret);
  }

  @Test
  void theRegistrationIsSignedByTheNodeKeyAndNamesItsBrokerKey() throws IOException {
    NodeKeyring id = NodeKeyring.loadOrCreate(dir.resolve("k.json"), new SecureRandom());
    var signed = id.register("member-a", "gpu-h100-00", 1_000L);
    assertThat(signed.isValid()).isTrue();
    assertThat(signed.registration().key().address()).isEqualTo(id.address());
    assertThat(signed.registration().brokerKey())
        .isEqualTo(id.brokerKey().getPublic().getEncoded());
  }

  @Test
  void aKeyFileFromBeforeTheBrokerKeyKeepsItsIdentityAndGainsOne() throws IOException {
    Path file = dir.resolve("node-keys.json");
    NodeKeyring original = NodeKeyring.loadOrCreate(file, new SecureRandom());
    var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
    ((com.fasterxml.jackson.databind.node.ObjectNode) json).remove("p256");
    Files.writeString(file, json.toString());

    NodeKeyring upgraded = NodeKeyring.loadOrCreate(file, new SecureRandom());
    assertThat(upgraded.address()).isEqualTo(original.address());
    assertThat(upgraded.x25519PublicKey()).isEqualTo(original.x25519PublicKey());
    assertThat(Files.readString(file)).contains("\"p256\"");
    assertThat(NodeKeyring.loadOrCreate(file, new SecureRandom()).brokerKey().getPublic())
        .isEqualTo(upgraded.brokerKey().getPublic());
  }

  @Test
  void aDamagedKeyFileIsAnErrorNotANewIdentity() throws IOException {
    Path file = dir.resolve("node-keys.json");
    Files.writeString(file, "{\"secp256k1\":\"0x12\",\"x25519\":\"0x34\"}");
    assertThatThrownBy(() -> NodeKeyring.loadOrCreate(file, new SecureRandom()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unreadable key");
  }
}
