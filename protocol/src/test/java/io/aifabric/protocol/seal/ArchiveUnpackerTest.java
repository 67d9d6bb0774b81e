package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive comes from a provider's node; anyone with the user's public key can seal one. Each
 * test is an archive a hostile node could send.
 */
class ArchiveUnpackerTest {

  @Test
  void whatOutputArchiveWroteUnpacksToTheSameFilesOwnerOnly(@TempDir Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("job"));
    Files.createDirectories(out.resolve("a/b"));
    Files.write(out.resolve("a/b/data.bin"), OutputArchiveTest.bytes(100_000, 5));
    Files.writeString(out.resolve("top.txt"), "top");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    OutputArchive.of(out).writeTo(tar);

    Path into = dir.resolve("fetched");
    ArchiveUnpacker.Unpacked unpacked =
        ArchiveUnpacker.unpack(new ByteArrayInputStream(tar.toByteArray()), into);

    assertThat(unpacked).isEqualTo(new ArchiveUnpacker.Unpacked(2, 2, 100_003));
    assertThat(Files.readAllBytes(into.resolve("a/b/data.bin")))
        .isEqualTo(OutputArchiveTest.bytes(100_000, 5));
    assertThat(Files.readString(into.resolve("top.txt"))).isEqualTo("top");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(into.resolve("top.txt"))))
        .isEqualTo("rw-------");
  }

  @Test
  void aNameThatClimbsOutOfTheDirectoryIsRefusedAndWritesNothingThere(@TempDir Path dir)
      throws IOException {
    byte[] tar = tar(file("../../outside.txt", "gotcha"));
    Path into = dir.resolve("a/b/fetched");
    assertThatThrownBy(() -> ArchiveUnpacker.unpack(new ByteArrayInputStream(tar), into))
        .isInstanceOf(ArchiveUnpacker.UnsafeArchiveException.class)
        .hasMessage(
            "the output holds ../../outside.txt, which would be written outside its directory:"
                + " refused");
    assertThat(dir.resolve("a/outside.txt")).doesNotExist();
    assertThat(dir.resolve("outside.txt")).doesNotExist();
  }

  @Test
  void anAbsoluteNameIsRefused(@TempDir Path dir) throws IOException {
    byte[] tar = tar(file(dir.resolve("absolute.txt").toString(), "gotcha"));
    assertThatThrownBy(
            () -> ArchiveUnpacker.unpack(new ByteArrayInputStream(tar), dir.resolve("x")))
        .isInstanceOf(ArchiveUnpacker.UnsafeArchiveException.class)
        .hasMessageContaining("an entry named '" + dir.resolve("absolute.txt") + "': refused");
    assertThat(dir.resolve("absolute.txt")).doesNotExist();
  }

  @Test
  void aSymbolicLinkIsRefusedSoALaterFileCannotBeWrittenThroughIt(@TempDir Path dir)
      throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("home", TarConstants.LF_SYMLINK);
    link.setLinkName(dir.toString());
    byte[] tar = tar(new Item(link, null), file("home/planted.txt", "gotcha"));
    assertThatThrownBy(
            () -> ArchiveUnpacker.unpack(new ByteArrayInputStream(tar), dir.resolve("x")))
        .isInstanceOf(ArchiveUnpacker.UnsafeArchiveException.class)
        .hasMessage(
            "the output holds home, which is not a plain file or directory (type '2'): refused");
    assertThat(dir.resolve("planted.txt")).doesNotExist();
  }

  @Test
  void aHardLinkIsRefused(@TempDir Path dir) throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("passwd", TarConstants.LF_LINK);
    link.setLinkName("/etc/passwd");
    byte[] tar = tar(new Item(link, null));
    assertThatThrownBy(
            () -> ArchiveUnpacker.unpack(new ByteArrayInputStream(tar), dir.resolve("x")))
        .isInstanceOf(ArchiveUnpacker.UnsafeArchiveException.class)
        .hasMessageContaining("(type '1')");
  }

  @Test
  void aSecondEntryOfTheSameNameDoesNotOverwriteTheFirst(@TempDir Path dir) throws IOException {
    byte[] tar = tar(file("model.pt", "first"), file("model.pt", "second"));
    Path into = dir.resolve("x");
    assertThatThrownBy(() -> ArchiveUnpacker.unpack(new ByteArrayInputStream(tar), into))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(into.resolve("model.pt"))).isEqualTo("first");
  }

  private record Item(TarArchiveEntry entry, byte[] content) {}

  private static Item file(String name, String content) {
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    entry.setSize(bytes.length);
    return new Item(entry, bytes);
  }

  private static byte[] tar(Item... items) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
      out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Item item : items) {
        out.putArchiveEntry(item.entry());
        if (item.content() != null) {
          out.write(item.content());
        }
        out.closeArchiveEntry();
      }
    }
    return bytes.toByteArray();
  }
}
