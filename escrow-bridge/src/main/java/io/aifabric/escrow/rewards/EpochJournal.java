package io.aifabric.escrow.rewards;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * What an oracle counted, on disk, so that a restarted oracle still holds the epochs it counted
 * before: one line per counted heartbeat ({@code <node> <signed millis>}) in one file per epoch,
 * replayed into a fresh {@link EpochTally} at start. A line is written (and handed to the OS)
 * before the count is used; a torn last line after a crash is skipped on replay, which loses that
 * one heartbeat and nothing else. Files of epochs the tally no longer keeps are deleted.
 */
final class EpochJournal implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EpochJournal.class);
  private static final Pattern FILE = Pattern.compile("epoch-(-?[0-9]+)\\.log");
  private static final Pattern LINE = Pattern.compile("(0x[0-9a-f]{40}) (-?[0-9]+)");

  private final Path dir;
  private final Map<Long, BufferedWriter> open = new HashMap<>();

  EpochJournal(Path dir) {
    try {
      this.dir = Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep availability counts in " + dir, e);
    }
  }

  /**
   * Counts every journalled heartbeat of the epochs still kept into the tally, as heard when
   * signed.
   *
   * @return how many heartbeats counted
   */
  int replay(EpochTally tally, long oldestKept) throws IOException {
    int counted = 0;
    java.util.TreeMap<Long, Path> files = new java.util.TreeMap<>();
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path file : listing.toList()) {
        Matcher name = FILE.matcher(file.getFileName().toString());
        if (name.matches()) {
          files.put(Long.parseLong(name.group(1)), file);
        }
      }
    }
    // Oldest epoch first: the tally counts one heartbeat per slot, in slot order.
    for (Map.Entry<Long, Path> entry : files.entrySet()) {
      Path file = entry.getValue();
      if (entry.getKey() < oldestKept) {
        Files.deleteIfExists(file);
        continue;
      }
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        Matcher beat = LINE.matcher(line);
        if (!beat.matches()) {
          LOG.warnf("%s: skipping a line that is not a heartbeat (torn by a crash?)", file);
          continue;
        }
        long signedAt = Long.parseLong(beat.group(2));
        if (tally.count(beat.group(1), signedAt, signedAt) == EpochTally.Counted.COUNTED) {
          counted++;
        }
      }
    }
    return counted;
  }

  /** Journals a heartbeat the tally counted; forgets epochs older than {@code oldestKept}. */
  void record(String node, long signedAtMillis, long epoch, long oldestKept) {
    try {
      BufferedWriter writer = open.get(epoch);
      if (writer == null) {
        writer =
            Files.newBufferedWriter(
                dir.resolve("epoch-" + epoch + ".log"),
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        open.put(epoch, writer);
        forgetBefore(oldestKept);
      }
      writer.write(node + " " + signedAtMillis + "\n");
      writer.flush();
    } catch (IOException e) {
      // Counting goes on in memory: a full disk must not stop the oracle from counting.
      LOG.warnf("cannot journal a heartbeat in %s: %s", dir, e.getMessage());
    }
  }

  private void forgetBefore(long oldestKept) throws IOException {
    var stale = open.keySet().stream().filter(e -> e < oldestKept).toList();
    for (long epoch : stale) {
      open.remove(epoch).close();
    }
    try (Stream<Path> listing = Files.list(dir)) {
      for (Path file : listing.toList()) {
        Matcher name = FILE.matcher(file.getFileName().toString());
        if (name.matches() && Long.parseLong(name.group(1)) < oldestKept) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  @Override
  public void close() {
    for (BufferedWriter writer : open.values()) {
      try {
        writer.close();
      } catch (IOException e) {
        LOG.debugf("closing a journal file: %s", e.getMessage());
      }
    }
    open.clear();
  }
}
