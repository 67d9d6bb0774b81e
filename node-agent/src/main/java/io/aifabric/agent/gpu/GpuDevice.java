package io.aifabric.agent.gpu;

import java.util.List;

/**
 * One physical GPU as the node reports it. Live figures are null where the driver says "[N/A]"
 * (utilization under MIG, for example).
 */
public record GpuDevice(
    int index,
    String uuid,
    String name,
    int memoryTotalMiB,
    Integer memoryUsedMiB,
    Integer utilizationPercent,
    Integer temperatureC,
    boolean migEnabled,
    List<MigDevice> migDevices) {

  public GpuDevice {
    migDevices = List.copyOf(migDevices);
  }

  /**
   * The model as GPU Feature Discovery writes it in the {@code nvidia.com/gpu.product} label (the
   * name with dashes for spaces), so agent reports and member labels name models alike.
   */
  public String product() {
    return name.trim().replaceAll("\\s+", "-");
  }

  public GpuDevice withMigDevices(List<MigDevice> devices) {
    return new GpuDevice(
        index,
        uuid,
        name,
        memoryTotalMiB,
        memoryUsedMiB,
        utilizationPercent,
        temperatureC,
        migEnabled,
        devices);
  }

  /** A MIG instance: profile such as 3g.40gb, its device index on the GPU, its own UUID. */
  public record MigDevice(String profile, int deviceIndex, String uuid) {}
}
