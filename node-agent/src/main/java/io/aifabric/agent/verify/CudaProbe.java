package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.BoundedCommand;
import io.aifabric.agent.gpu.GpuDevice;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import java.time.Duration;
import java.util.List;
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

  private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(300);

  private final String executable;
  private final Duration limit;

  public CudaProbe(String executable) {
    this(executable, DEFAULT_LIMIT);
  }

  /** With a time limit for one GPU's measurement. */
  public CudaProbe(String executable, Duration limit) {
    this.executable = executable;
    this.limit = limit;
  }

  @Override
  public Measurement measure(GpuDevice gpu) throws GpuDiscoveryException {
    BoundedCommand.Result result =
        BoundedCommand.run(
            List.of(executable, "--uuid", gpu.uuid()), limit, "the GPU probe on " + gpu.uuid());
    Matcher m = RESULT.matcher(result.output());
    if (result.exitCode() != 0 || !m.find()) {
      throw new GpuDiscoveryException(
          "the GPU probe failed on "
              + gpu.uuid()
              + " (exit "
              + result.exitCode()
              + "): "
              + result.output().strip().lines().findFirst().orElse("no output"));
    }
    return new Measurement(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
  }

  @Override
  public String method() {
    return "cuda";
  }
}
