package io.aifabric.escrow.bridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * Reads a secp256k1 private key from a file, as a Kubernetes Secret mounts it: 64 hex digits, with
 * or without 0x, surrounding whitespace ignored. Errors name the file, never its content.
 */
public final class KeyFile {
  private KeyFile() {}

  public static Credentials read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the key file " + file + ": " + e.getMessage());
    }
    String hex = Numeric.cleanHexPrefix(text);
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalStateException(
          "the key file " + file + " does not hold a private key (64 hex digits)");
    }
    return Credentials.create(hex);
  }
}
