package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.GpuDevice;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real measurement, on a GPU node: runs the probe shipped in the agent's GPU image ({@code
 * aifabric-gpu-probe --uuid <uuid>}), which allocates device memory in 256 MiB blocks until the
 * driver refuses, then times an FP16 matrix multiply, and prints {@code allocatable_mib=<n>
 * gemm_gflops=<n>}. Needs a GPU; tested with a stand-in that prints recorded results.
 */
public final class CudaProbe implements GpuProbe {
  private static final Pattern RESULT =
      Pattern.compile("allocatable_mib=(\\d+)\\s+gemm_gflops=(\\d+)");

  private final String executable;

  public CudaProbe(String executable) {
    this.executable = executable;
  }

  @Override
  public Measurement measure(GpuDevice gpu) throws GpuDiscoveryException {
    try {
      Process p =
          new ProcessBuilder(executable, "--uuid", gpu.uuid()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new GpuDiscoveryException(
            "the GPU probe did not finish within 300 s on " + gpu.uuid());
      }
      Matcher m = RESULT.matcher(out);
      if (p.exitValue() != 0 || !m.find()) {
        throw new GpuDiscoveryException(
            "the GPU probe failed on "
                + gpu.uuid()
                + " (exit "
                + p.exitValue()
                + "): "
                + out.strip().lines().findFirst().orElse("no output"));
      }
      return new Measurement(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    } catch (IOException e) {
      throw new GpuDiscoveryException("cannot run " + executable + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuDiscoveryException("interrupted while probing " + gpu.uuid());
    }
  }

  @Override
  public String method() {
    return "cuda";
  }
}
