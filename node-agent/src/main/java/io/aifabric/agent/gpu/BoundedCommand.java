package io.aifabric.agent.gpu;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a GPU tool (nvidia-smi, the CUDA probe) with a time limit that holds. The output goes to a
 * temporary file rather than a pipe read before waiting: reading a pipe to its end blocks for as
 * long as the tool (or a child it left behind) keeps it open, so the time limit never fired. A tool
 * still running at the limit is killed with its children; at most {@code MAX_OUTPUT} bytes of what
 * it printed are read.
 */
public final class BoundedCommand {
  /** Far more than nvidia-smi prints for a node of 16 GPUs. */
  static final int MAX_OUTPUT = 1 << 20;

  /** What the command printed (stdout and stderr together) and how it exited. */
  public record Result(int exitCode, String output) {}

  private BoundedCommand() {}

  /**
   * @param what how error messages name the command
   * @throws GpuDiscoveryException when it cannot start, or does not finish within the limit
   */
  public static Result run(List<String> command, Duration limit, String what)
      throws GpuDiscoveryException {
    Path output = null;
    Process p = null;
    try {
      output = Files.createTempFile("aifabric-gpu-tool", ".out");
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new GpuDiscoveryException(
            what + " did not finish within " + limit.toSeconds() + " s");
      }
      return new Result(p.exitValue(), head(output));
    } catch (IOException e) {
      throw new GpuDiscoveryException("cannot run " + command.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuDiscoveryException("interrupted while running " + what);
    } finally {
      if (p != null && p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // a leftover temporary file is harmless
        }
      }
    }
  }

  private static String head(Path output) throws IOException {
    try (InputStream in = Files.newInputStream(output)) {
      return new String(in.readNBytes(MAX_OUTPUT), StandardCharsets.UTF_8);
    }
  }
}
