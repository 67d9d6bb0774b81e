package io.aifabric.protocol.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;

/**
 * Opening a sealed output into a file so that a partial or forged output never appears there: the
 * plaintext goes to a temporary file beside the target (owner-only), which is moved into place only
 * once the whole stream has opened, and deleted on any failure. Verifying first and writing second
 * would need the ciphertext twice (a second download or a second copy on disk); the temporary file
 * costs one write of the plaintext, which the caller needs anyway.
 */
public final class SealedFiles {
  private SealedFiles() {}

  /**
   * Opens {@code sealed} into {@code target}; returns what was opened.
   *
   * @throws SealedOutputException when the output does not open; {@code target} is then untouched
   */
  public static SealedSummary open(
      InputStream sealed, X25519KeyPair recipient, SealBinding binding, Path target)
      throws IOException {
    return intoPlace(
        target,
        partial -> {
          try (OpeningInputStream in = OpeningInputStream.open(sealed, recipient, binding);
              OutputStream out = Files.newOutputStream(partial)) {
            in.transferTo(out);
            return in.summary();
          }
        });
  }

  /** Writes into an owner-only temporary file beside {@code target}; moves it there on success. */
  private static SealedSummary intoPlace(Path target, Opening opening) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path partial =
        Files.createTempFile(
            dir,
            "." + target.getFileName() + ".",
            ".partial",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      SealedSummary opened = opening.into(partial);
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
      return opened;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  @FunctionalInterface
  private interface Opening {
    SealedSummary into(Path partial) throws IOException;
  }

  /**
   * Opens {@code sealed} into {@code target} with a granted payload key ({@link KeyGrant}); the
   * stream must be the one the grant names: its content address is compared before the plaintext is
   * moved into place.
   *
   * @throws SealedOutputException when it does not open or is another stream; {@code target} is
   *     then untouched
   */
  public static SealedSummary openGranted(
      InputStream sealed,
      byte[] payloadKey,
      SealBinding binding,
      byte[] contentAddress,
      Path target)
      throws IOException {
    return intoPlace(
        target,
        partial -> {
          SealedSummary opened;
          try (OpeningInputStream in =
                  OpeningInputStream.openWithPayloadKey(sealed, payloadKey, binding);
              OutputStream out = Files.newOutputStream(partial)) {
            in.transferTo(out);
            opened = in.summary();
          }
          if (!MessageDigest.isEqual(opened.contentAddress(), contentAddress)) {
            throw new SealedOutputException(
                "the sealed stream's content address is "
                    + opened.contentAddressHex()
                    + ", not the one its key was granted for");
          }
          return opened;
        });
  }

  /** Seals the file {@code plain} into {@code target} for {@code binding}. */
  public static SealedSummary seal(
      Path plain, byte[] recipientPublicKey, SealBinding binding, Path target) throws IOException {
    SealingOutputStream out =
        SealingOutputStream.to(Files.newOutputStream(target), recipientPublicKey, binding);
    try (InputStream in = Files.newInputStream(plain)) {
      in.transferTo(out);
    }
    out.close();
    return out.summary();
  }
}
