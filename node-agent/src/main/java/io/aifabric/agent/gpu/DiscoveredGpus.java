package io.aifabric.agent.gpu;

import java.util.List;
import java.util.stream.Collectors;

/** What a node has: its GPUs and the driver and CUDA versions they run with. */
public record DiscoveredGpus(String driverVersion, String cudaVersion, List<GpuDevice> gpus) {
  public DiscoveredGpus {
    gpus = List.copyOf(gpus);
  }

  public static DiscoveredGpus none() {
    return new DiscoveredGpus(null, null, List.of());
  }

  /**
   * The heartbeat's telemetry line: {@code uuid,utilization%,temperatureC,memoryUsedMiB} per GPU,
   * ';'-separated, empty figures for what the driver does not report.
   */
  public String telemetry() {
    return gpus.stream()
        .map(
            g ->
                g.uuid()
                    + ","
                    + orEmpty(g.utilizationPercent())
                    + ","
                    + orEmpty(g.temperatureC())
                    + ","
                    + orEmpty(g.memoryUsedMiB()))
        .collect(Collectors.joining(";"));
  }

  private static String orEmpty(Integer value) {
    return value == null ? "" : value.toString();
  }
}
