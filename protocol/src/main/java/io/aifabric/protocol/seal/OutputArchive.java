package io.aifabric.protocol.seal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A job's output directory as one POSIX tar stream (pax where a name or size needs it), planned
 * before it is written so that its exact length is known up front: the sealed upload names its
 * length without a temporary copy of the output, and memory stays one copy buffer whatever the
 * size.
 *
 * <p>What goes in: regular files and directories under the output directory, in name order, with
 * their size, modification time (seconds) and the owner's execute bit; owner and group are 0 and
 * unnamed. What does not: symbolic links (never followed: a link could point at anything the
 * sealing container can read), devices, sockets and pipes; {@link #skipped()} names them. A file
 * that changes size while it is written fails the archive instead of sealing a torn file.
 */
public final class OutputArchive {
  static final int BLOCK = 512;
  private static final long MAX_USTAR_SIZE = 077777777777L;

  /** One planned entry: a name relative to the directory ('/'-separated) and what it is. */
  record Entry(String name, Path file, boolean directory, long size, long mtime, boolean exec) {}

  private final List<Entry> entries;
  private final List<String> skipped;
  private final long length;

  private OutputArchive(List<Entry> entries, List<String> skipped) {
    this.entries = List.copyOf(entries);
    this.skipped = List.copyOf(skipped);
    long total = 2L * BLOCK;
    for (Entry entry : entries) {
      byte[] pax = paxRecords(entry);
      if (pax.length > 0) {
        total += BLOCK + padded(pax.length);
      }
      total += BLOCK + padded(entry.size());
    }
    this.length = total;
  }

  /** Plans the archive of everything under {@code dir} (which must be a directory). */
  public static OutputArchive of(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory");
    }
    List<Entry> entries = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    collect(dir, "", entries, skipped);
    return new OutputArchive(entries, skipped);
  }

  private static void collect(Path dir, String prefix, List<Entry> entries, List<String> skipped)
      throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
    for (Path child : children) {
      String name = prefix + child.getFileName();
      BasicFileAttributes attributes =
          Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      long mtime = attributes.lastModifiedTime().toInstant().getEpochSecond();
      if (attributes.isDirectory()) {
        entries.add(new Entry(name + "/", child, true, 0, Math.max(0, mtime), true));
        collect(child, name + "/", entries, skipped);
      } else if (attributes.isRegularFile()) {
        entries.add(
            new Entry(
                name, child, false, attributes.size(), Math.max(0, mtime), executable(child)));
      } else {
        skipped.add(name);
      }
    }
  }

  private static boolean executable(Path file) throws IOException {
    try {
      return Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
          .permissions()
          .contains(PosixFilePermission.OWNER_EXECUTE);
    } catch (UnsupportedOperationException e) {
      return false;
    }
  }

  /** The exact number of bytes {@link #writeTo} writes. */
  public long length() {
    return length;
  }

  /** How many files and directories go in. */
  public int entryCount() {
    return entries.size();
  }

  /** Names under the directory that are not archived (links and special files). */
  public List<String> skipped() {
    return skipped;
  }

  /**
   * Writes the archive; exactly {@link #length()} bytes, or an IOException when a file changed size
   * since the plan was made.
   */
  public void writeTo(OutputStream out) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    for (Entry entry : entries) {
      byte[] pax = paxRecords(entry);
      if (pax.length > 0) {
        out.write(
            header("PaxHeaders/" + ascii(entry.name()), pax.length, entry.mtime(), 'x', false));
        out.write(pax);
        pad(out, pax.length);
      }
      long size = entry.size();
      out.write(
          header(
              ascii(entry.name()),
              size > MAX_USTAR_SIZE ? 0 : size,
              entry.mtime(),
              entry.directory() ? '5' : '0',
              entry.exec()));
      if (!entry.directory()) {
        copyExactly(entry, buffer, out);
        pad(out, size);
      }
    }
    out.write(new byte[2 * BLOCK]);
  }

  private static void copyExactly(Entry entry, byte[] buffer, OutputStream out) throws IOException {
    long left = entry.size();
    try (InputStream in = Files.newInputStream(entry.file(), LinkOption.NOFOLLOW_LINKS)) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException(entry.name() + " shrank while it was being sealed");
        }
        out.write(buffer, 0, n);
        left -= n;
      }
      if (in.read() >= 0) {
        throw new IOException(entry.name() + " grew while it was being sealed");
      }
    }
  }

  /** pax records for what ustar cannot say: a long or non-ASCII name, a size of 8 GiB or more. */
  private static byte[] paxRecords(Entry entry) {
    StringBuilder records = new StringBuilder();
    byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
    if (name.length > 100 || !ascii(entry.name()).equals(entry.name())) {
      records.append(paxRecord("path", entry.name()));
    }
    if (entry.size() > MAX_USTAR_SIZE) {
      records.append(paxRecord("size", Long.toString(entry.size())));
    }
    return records.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** "length key=value\n", where length counts the whole record, its own digits included. */
  static String paxRecord(String key, String value) {
    int body =
        1
            + key.getBytes(StandardCharsets.UTF_8).length
            + 1
            + value.getBytes(StandardCharsets.UTF_8).length
            + 1;
    int digits = 1;
    while (String.valueOf(body + digits).length() != digits) {
      digits++;
    }
    return (body + digits) + " " + key + "=" + value + "\n";
  }

  /** The name as ustar can hold it: printable ASCII, at most 100 bytes (pax carries the rest). */
  private static String ascii(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length() && out.length() < 100; i++) {
      char c = name.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '_');
    }
    return out.toString();
  }

  private static byte[] header(String name, long size, long mtime, char type, boolean exec) {
    byte[] h = new byte[BLOCK];
    put(h, 0, 100, name.getBytes(StandardCharsets.US_ASCII));
    octal(h, 100, 8, type == '5' || exec ? 0755 : 0644);
    octal(h, 108, 8, 0);
    octal(h, 116, 8, 0);
    octal(h, 124, 12, size);
    octal(h, 136, 12, Math.min(mtime, MAX_USTAR_SIZE));
    h[156] = (byte) type;
    put(h, 257, 6, "ustar\0".getBytes(StandardCharsets.US_ASCII));
    put(h, 263, 2, "00".getBytes(StandardCharsets.US_ASCII));
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    put(h, 148, 8, checksum);
    return h;
  }

  private static void octal(byte[] h, int offset, int width, long value) {
    String digits = Long.toOctalString(value);
    String field = "0".repeat(width - 1 - digits.length()) + digits;
    put(h, offset, width, (field + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  private static void put(byte[] h, int offset, int width, byte[] value) {
    System.arraycopy(value, 0, h, offset, Math.min(width, value.length));
  }

  private static long padded(long size) {
    return (size + BLOCK - 1) / BLOCK * BLOCK;
  }

  private static void pad(OutputStream out, long size) throws IOException {
    int rest = (int) (padded(size) - size);
    if (rest > 0) {
      out.write(new byte[rest]);
    }
  }
}
