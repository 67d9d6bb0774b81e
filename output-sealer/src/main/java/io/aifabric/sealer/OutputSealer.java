package io.aifabric.sealer;

import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.SealReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;

/**
 * The sealing sidecar of an AIJob pod (a native sidecar: an init container with restartPolicy
 * Always). It starts with the pod and waits. When the job's container has ended, the kubelet stops
 * the sidecar with SIGTERM (sidecars are stopped after the main containers, within the pod's
 * termination grace period): that is the signal to seal the output directory to the user's key,
 * upload it, and write the {@link SealReport} as this container's termination message, where the
 * node agent reads it for the replica's work receipt.
 *
 * <p>Exit codes: 0 sealed and uploaded; 1 sealing or upload failed; 2 the pod's settings are wrong
 * (checked at start, so a broken pod says so while the job runs, not after it).
 */
public final class OutputSealer {
  private OutputSealer() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("open-inputs")) {
      // The same image's other step: before the job's container, not after it.
      InputOpener.main(args);
      return;
    }
    SealerSettings settings;
    try {
      settings = SealerSettings.from(System.getenv());
    } catch (SealerSettings.InvalidSettingsException e) {
      System.err.println("aifabric output sealer: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stop = new CountDownLatch(1);
    Signal.handle(new Signal("TERM"), signal -> stop.countDown());
    System.out.printf(
        "aifabric output sealer: waiting for the job to end; will seal %s to the user's key for %s"
            + " and upload it to %s%n",
        settings.outputDir(), settings.binding(), settings.uploadTarget());
    stop.await();
    System.exit(sealAndReport(settings));
  }

  /** Seals, uploads and writes the termination message; returns the exit code. */
  static int sealAndReport(SealerSettings settings) throws InterruptedException {
    return sealAndReport(settings, Duration.ofSeconds(2));
  }

  static int sealAndReport(SealerSettings settings, Duration backoff) throws InterruptedException {
    try {
      SealReport report = new SealedUpload(backoff).run(settings);
      Files.writeString(settings.terminationLog(), report.toJson(), StandardCharsets.UTF_8);
      System.out.printf(
          "aifabric output sealer: %d entries, %d bytes sealed to %d bytes, content address %s,"
              + " stored at %s%n",
          report.files(),
          report.plainBytes(),
          report.sealedBytes(),
          Hex.encode(report.address()),
          settings.uploadTarget());
      return 0;
    } catch (IOException e) {
      System.err.println("aifabric output sealer: " + e.getMessage());
      // Said where kubectl describe shows it; not a report, so the receipt says no output.
      try {
        Files.writeString(
            settings.terminationLog(), "sealing failed: " + e.getMessage(), StandardCharsets.UTF_8);
      } catch (IOException ignored) {
        // The log line above says it already.
      }
      return 1;
    }
  }
}
