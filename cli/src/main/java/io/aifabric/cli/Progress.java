package io.aifabric.cli;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for a transfer of known size, redrawn at most ten times a
 * second; silent when stderr is not a terminal (a script's log wants the result line only).
 */
final class Progress {
  private static final int WIDTH = 30;
  private final PrintWriter err;
  private final boolean shown;
  private String label = "";
  private long total;
  private long done;
  private long drawnAt;

  Progress(PrintWriter err, boolean shown) {
    this.err = err;
    this.shown = shown;
  }

  static Progress forTerminal(PrintWriter err) {
    return new Progress(err, System.console() != null);
  }

  void start(String label, long total) {
    this.label = label;
    this.total = Math.max(total, 1);
    this.done = 0;
    this.drawnAt = 0;
    draw();
  }

  /** {@code in}, counted on this bar as it is read. */
  InputStream counting(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          advance(n);
        }
        return n;
      }
    };
  }

  /** {@code out}, counted on this bar as it is written. */
  OutputStream counting(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        advance(len);
      }
    };
  }

  void advance(long bytes) {
    done += bytes;
    long now = System.nanoTime();
    if (now - drawnAt > 100_000_000L) {
      drawnAt = now;
      draw();
    }
  }

  void finish() {
    done = Math.max(done, 0);
    draw();
    if (shown) {
      err.println();
      err.flush();
    }
  }

  private void draw() {
    if (!shown) {
      return;
    }
    int filled = (int) Math.min(WIDTH, done * WIDTH / total);
    err.printf(
        Locale.ROOT,
        "\r%s [%s%s] %s of %s",
        label,
        "#".repeat(filled),
        " ".repeat(WIDTH - filled),
        mib(done),
        mib(total));
    err.flush();
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
