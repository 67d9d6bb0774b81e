package io.aifabric.testbed;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a process the test bed started to answer its health endpoint with 200, as a kubelet's
 * readiness probe would; fails with its log when it exits or is not ready within 60 s.
 */
final class HealthPoll {
  private HealthPoll() {}

  /** Opens a fresh connection to the health endpoint. */
  @FunctionalInterface
  interface Probe {
    HttpURLConnection open() throws IOException;
  }

  static void awaitOk(String what, Process process, Path log, Probe probe) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            what + " exited during start-up:\n" + Files.readString(log));
      }
      try {
        if (probe.open().getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not serving yet.
      }
      try {
        // Start-up is observed by polling its health endpoint; there is nothing to wait on.
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    List<String> lines = Files.readAllLines(log);
    throw new IllegalStateException(
        what
            + " did not become ready in 60 s; the end of "
            + log
            + ":\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())));
  }
}
