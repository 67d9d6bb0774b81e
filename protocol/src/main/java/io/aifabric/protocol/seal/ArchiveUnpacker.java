package io.aifabric.protocol.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Unpacks an opened output archive (see {@link OutputArchive}) into a directory, refusing anything
 * that could write outside it or be more than files and directories. The archive is the user's own
 * job's output, but it was made on a provider's node, and HPKE base mode does not say who sealed
 * it: anyone with the user's public key can seal a tar to it. So every name is checked (no absolute
 * path, no "..", nothing that resolves outside the directory), only regular files and directories
 * are taken (a link could point anywhere on the user's machine), an existing file is never
 * overwritten, and files are created owner-only.
 */
public final class ArchiveUnpacker {
  private ArchiveUnpacker() {}

  /** What was unpacked: file and directory counts, file bytes. */
  public record Unpacked(int files, int directories, long bytes) {}

  /**
   * Unpacks {@code tar} into {@code dir} (created if missing).
   *
   * @throws UnsafeArchiveException when an entry is not a plain file or directory, or its name
   *     leaves the directory
   */
  public static Unpacked unpack(InputStream tar, Path dir) throws IOException {
    Path root = Files.createDirectories(dir).toRealPath();
    int files = 0;
    int directories = 0;
    long bytes = 0;
    TarArchiveInputStream in = new TarArchiveInputStream(tar);
    TarArchiveEntry entry;
    while ((entry = in.getNextEntry()) != null) {
      Path target = resolve(root, entry.getName());
      if (entry.isDirectory()) {
        Files.createDirectories(target);
        directories++;
      } else if (isPlainFile(entry)) {
        Files.createDirectories(target.getParent());
        try (OutputStream out =
            Files.newOutputStream(
                target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
          bytes += in.transferTo(out);
        }
        Files.setPosixFilePermissions(
            target,
            PosixFilePermissions.fromString(
                (entry.getMode() & 0100) != 0 ? "rwx------" : "rw-------"));
        Files.setLastModifiedTime(target, FileTime.from(entry.getLastModifiedTime().toInstant()));
        files++;
      } else {
        throw new UnsafeArchiveException(
            "the output holds "
                + entry.getName()
                + ", which is not a plain file or directory (type '"
                + (char) typeOf(entry)
                + "'): refused");
      }
    }
    return new Unpacked(files, directories, bytes);
  }

  /**
   * A regular file by its type flag alone ('0', or NUL in old archives): commons-compress's
   * isFile() also says yes to links, whose content would be their target's.
   */
  private static boolean isPlainFile(TarArchiveEntry entry) {
    byte type = entry.getLinkFlag();
    return (type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM)
        && !entry.isGNUSparse()
        && !entry.getName().endsWith("/");
  }

  private static Path resolve(Path root, String name) throws UnsafeArchiveException {
    if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.contains("\0")) {
      throw new UnsafeArchiveException("the output holds an entry named '" + name + "': refused");
    }
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw new UnsafeArchiveException(
            "the output holds " + name + ", which would be written outside its directory: refused");
      }
    }
    Path target = root.resolve(name).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new UnsafeArchiveException(
          "the output holds " + name + ", which would be written outside its directory: refused");
    }
    return target;
  }

  private static byte typeOf(TarArchiveEntry entry) {
    if (entry.isSymbolicLink()) {
      return '2';
    }
    if (entry.isLink()) {
      return '1';
    }
    if (entry.isCharacterDevice()) {
      return '3';
    }
    if (entry.isBlockDevice()) {
      return '4';
    }
    if (entry.isFIFO()) {
      return '6';
    }
    return '?';
  }

  /** An archive entry that would escape the directory or is not a file or directory. */
  public static final class UnsafeArchiveException extends IOException {
    public UnsafeArchiveException(String message) {
      super(message);
    }
  }
}
