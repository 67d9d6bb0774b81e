package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputArchiveTest {

  @Test
  void theLengthIsKnownBeforeWritingAndAStandardReaderSeesEveryEntry(@TempDir Path dir)
      throws IOException {
    Path out = Files.createDirectories(dir.resolve("output"));
    Files.write(out.resolve("weights.bin"), bytes(70_000, 1));
    Files.writeString(out.resolve("metrics.json"), "{\"loss\":0.12}");
    Files.createDirectories(out.resolve("checkpoints/epoch-1"));
    Files.write(out.resolve("checkpoints/epoch-1/model.pt"), bytes(512, 2));
    Files.createDirectories(out.resolve("empty"));
    String longName = "a-name-".repeat(20) + ".txt";
    Files.writeString(out.resolve(longName), "long");
    Files.writeString(out.resolve("résumé-模型.txt"), "unicode");
    Path script = out.resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setLastModifiedTime(
        out.resolve("metrics.json"), FileTime.from(Instant.ofEpochSecond(1_700_000_000)));

    OutputArchive archive = OutputArchive.of(out);
    byte[] tar = write(archive);

    assertThat(tar).hasSize((int) archive.length());
    assertThat(tar.length % 512).isZero();
    List<TarArchiveEntry> entries = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      TarArchiveEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        entries.add(entry);
        contents.add(in.readAllBytes());
      }
    }
    assertThat(entries)
        .extracting(TarArchiveEntry::getName)
        .containsExactly(
            "a-name-".repeat(20) + ".txt",
            "checkpoints/",
            "checkpoints/epoch-1/",
            "checkpoints/epoch-1/model.pt",
            "empty/",
            "metrics.json",
            "run.sh",
            "résumé-模型.txt",
            "weights.bin");
    assertThat(contents.get(0)).isEqualTo("long".getBytes(StandardCharsets.UTF_8));
    assertThat(contents.get(3)).isEqualTo(bytes(512, 2));
    assertThat(contents.get(5)).isEqualTo("{\"loss\":0.12}".getBytes(StandardCharsets.UTF_8));
    assertThat(contents.get(8)).isEqualTo(bytes(70_000, 1));
    assertThat(entries.get(1).isDirectory()).isTrue();
    assertThat(entries.get(5).getLastModifiedTime().toInstant())
        .isEqualTo(Instant.ofEpochSecond(1_700_000_000));
    assertThat(entries.get(6).getMode() & 0777).isEqualTo(0755);
    assertThat(entries.get(5).getMode() & 0777).isEqualTo(0644);
    assertThat(archive.entryCount()).isEqualTo(9);
    assertThat(archive.skipped()).isEmpty();
  }

  @Test
  void anEmptyDirectoryIsTheTwoEndBlocks(@TempDir Path dir) throws IOException {
    OutputArchive archive = OutputArchive.of(dir);
    assertThat(archive.length()).isEqualTo(1024);
    assertThat(write(archive)).containsOnly(0);
  }

  @Test
  void linksAndSpecialFilesAreNotFollowedButNamed(@TempDir Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("output"));
    Path secret = Files.writeString(dir.resolve("secret"), "not yours");
    Files.createSymbolicLink(out.resolve("escape"), secret);
    Files.createSymbolicLink(out.resolve("escape-dir"), dir);
    Files.writeString(out.resolve("kept"), "kept");

    OutputArchive archive = OutputArchive.of(out);

    assertThat(archive.skipped()).containsExactly("escape", "escape-dir");
    assertThat(new String(write(archive), StandardCharsets.ISO_8859_1)).doesNotContain("not yours");
    assertThat(archive.entryCount()).isEqualTo(1);
  }

  @Test
  void aFileThatChangesSizeWhileSealedFailsTheArchive(@TempDir Path dir) throws IOException {
    Path grows = Files.writeString(dir.resolve("log.txt"), "0123456789");
    OutputArchive archive = OutputArchive.of(dir);
    Files.writeString(grows, "0123456789-more");
    assertThatThrownBy(() -> archive.writeTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage("log.txt grew while it was being sealed");

    Files.writeString(grows, "0123");
    assertThatThrownBy(() -> archive.writeTo(OutputStream.nullOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage("log.txt shrank while it was being sealed");
  }

  @Test
  void paxRecordLengthsCountTheirOwnDigits() {
    assertThat(OutputArchive.paxRecord("path", "a")).isEqualTo("9 path=a\n");
    String value = "x".repeat(91);
    // 1 + 4 + 1 + 91 + 1 = 98 bytes, plus 3 digits: the length itself crosses into 3 digits.
    assertThat(OutputArchive.paxRecord("path", value)).isEqualTo("101 path=" + value + "\n");
  }

  private static byte[] write(OutputArchive archive) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    archive.writeTo(bytes);
    return bytes.toByteArray();
  }

  static byte[] bytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
