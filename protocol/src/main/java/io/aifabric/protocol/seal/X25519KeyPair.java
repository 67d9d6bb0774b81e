package io.aifabric.protocol.seal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

/**
 * An X25519 key pair: a user's (outputs are sealed to it), a StorageVolume's or a node's. The
 * public key travels as 44 characters of base64 ({@code spec.encryption.userPublicKey}); the secret
 * key stays in a file only its owner can read.
 *
 * <p>Key file: UTF-8 lines {@code public-key: <base64>} and {@code secret-key: <base64>}, with
 * comment lines starting with {@code #}. Both keys are checked against each other on reading, so a
 * file edited by hand cannot pair one key with another's secret.
 */
public record X25519KeyPair(byte[] publicKey, byte[] secretKey) {
  public static final int KEY_BYTES = 32;
  private static final String PUBLIC = "public-key: ";
  private static final String SECRET = "secret-key: ";

  public X25519KeyPair {
    if (publicKey.length != KEY_BYTES || secretKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("X25519 keys have 32 bytes");
    }
    publicKey = publicKey.clone();
    secretKey = secretKey.clone();
  }

  public static X25519KeyPair generate(SecureRandom random) {
    return fromSecret(new X25519PrivateKeyParameters(random).getEncoded());
  }

  public static X25519KeyPair fromSecret(byte[] secretKey) {
    if (secretKey.length != KEY_BYTES) {
      throw new IllegalArgumentException("an X25519 secret key has 32 bytes");
    }
    return new X25519KeyPair(
        new X25519PrivateKeyParameters(secretKey).generatePublicKey().getEncoded(), secretKey);
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public byte[] secretKey() {
    return secretKey.clone();
  }

  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey);
  }

  /**
   * @throws IllegalArgumentException when the text is not base64 of 32 bytes
   */
  public static byte[] publicKeyFromBase64(String text) {
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text == null ? "" : text.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("an X25519 public key is base64: " + e.getMessage());
    }
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an X25519 public key has 32 bytes (44 base64 characters), not " + key.length);
    }
    return key;
  }

  /** Writes the pair to a new file readable and writable by its owner only; never overwrites. */
  public void write(Path file) throws IOException {
    String text =
        "# aifabric X25519 key pair. Keep this file secret: it opens everything sealed to\n"
            + "# the public key below, and nobody can recover it for you.\n"
            + PUBLIC
            + publicKeyBase64()
            + "\n"
            + SECRET
            + Base64.getEncoder().encodeToString(secretKey)
            + "\n";
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      Files.createFile(
          file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (FileAlreadyExistsException e) {
      throw new FileAlreadyExistsException(
          file.toString(), null, "a key file is never overwritten");
    }
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * @throws IOException when the file cannot be read or is not an X25519 key pair
   */
  public static X25519KeyPair read(Path file) throws IOException {
    String publicText = null;
    String secretText = null;
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.startsWith(PUBLIC)) {
        publicText = line.substring(PUBLIC.length()).trim();
      } else if (line.startsWith(SECRET)) {
        secretText = line.substring(SECRET.length()).trim();
      }
    }
    if (secretText == null) {
      throw new IOException(file + " is not an aifabric key file: it has no secret-key line");
    }
    X25519KeyPair pair;
    try {
      pair = fromSecret(Base64.getDecoder().decode(secretText));
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": the secret key is not base64 of 32 bytes");
    }
    if (publicText != null && !publicText.equals(pair.publicKeyBase64())) {
      throw new IOException(file + ": the public key does not belong to the secret key");
    }
    return pair;
  }
}
