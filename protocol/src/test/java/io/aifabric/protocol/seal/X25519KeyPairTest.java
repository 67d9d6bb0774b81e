package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class X25519KeyPairTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void aKeyFileIsOwnerOnlyAndReadsBackToTheSamePair(@TempDir Path dir) throws IOException {
    X25519KeyPair pair = X25519KeyPair.generate(RANDOM);
    Path file = dir.resolve("keys/me.key");

    pair.write(file);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    X25519KeyPair read = X25519KeyPair.read(file);
    assertThat(read.publicKey()).isEqualTo(pair.publicKey());
    assertThat(read.secretKey()).isEqualTo(pair.secretKey());
    assertThat(pair.publicKeyBase64())
        .hasSize(44)
        .matches("^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$");
  }

  @Test
  void aKeyFileIsNeverOverwritten(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("me.key");
    X25519KeyPair.generate(RANDOM).write(file);
    byte[] before = Files.readAllBytes(file);

    assertThatThrownBy(() -> X25519KeyPair.generate(RANDOM).write(file))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
  }

  @Test
  void aFileWhosePublicKeyIsNotItsSecretsIsRefused(@TempDir Path dir) throws IOException {
    X25519KeyPair mine = X25519KeyPair.generate(RANDOM);
    X25519KeyPair other = X25519KeyPair.generate(RANDOM);
    Path file = dir.resolve("me.key");
    mine.write(file);
    Files.writeString(
        file, Files.readString(file).replace(mine.publicKeyBase64(), other.publicKeyBase64()));

    assertThatThrownBy(() -> X25519KeyPair.read(file))
        .isInstanceOf(IOException.class)
        .hasMessage(file + ": the public key does not belong to the secret key");
  }

  @Test
  void aPublicKeyIsBase64OfThirtyTwoBytes() {
    X25519KeyPair pair = X25519KeyPair.generate(RANDOM);

    assertThat(X25519KeyPair.publicKeyFromBase64(pair.publicKeyBase64()))
        .isEqualTo(pair.publicKey());
    assertThatThrownBy(() -> X25519KeyPair.publicKeyFromBase64("AAAA"))
        .hasMessage("an X25519 public key has 32 bytes (44 base64 characters), not 3");
    assertThatThrownBy(() -> X25519KeyPair.publicKeyFromBase64("not base64!"))
        .hasMessageStartingWith("an X25519 public key is base64:");
  }
}
