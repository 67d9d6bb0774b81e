package io.aifabric.agent.gpu;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The simulated node's GPUs, declared rather than discovered (the test bed's KWOK nodes have none
 * to discover): {@code count} GPUs of one model, with UUIDs derived from the node's name so that
 * they are stable across restarts and unique across nodes. Everything after discovery is the same
 * code as on a real node.
 */
public final class DeclaredInventory implements GpuDiscovery {
  private final String nodeName;
  private final String model;
  private final int count;
  private final int memoryMiB;
  private final String driverVersion;
  private final String cudaVersion;

  public DeclaredInventory(
      String nodeName,
      String model,
      int count,
      int memoryMiB,
      String driverVersion,
      String cudaVersion) {
    if (count < 0 || memoryMiB <= 0 || model == null || model.isBlank()) {
      throw new IllegalArgumentException(
          "a declared inventory needs a model, a GPU count >= 0 and the memory per GPU");
    }
    this.nodeName = nodeName;
    this.model = model;
    this.count = count;
    this.memoryMiB = memoryMiB;
    this.driverVersion = driverVersion;
    this.cudaVersion = cudaVersion;
  }

  @Override
  public DiscoveredGpus discover() {
    List<GpuDevice> gpus = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String uuid =
          "GPU-" + UUID.nameUUIDFromBytes((nodeName + "/" + i).getBytes(StandardCharsets.UTF_8));
      gpus.add(new GpuDevice(i, uuid, model, memoryMiB, 0, 0, 30, false, List.of()));
    }
    return new DiscoveredGpus(driverVersion, cudaVersion, gpus);
  }
}
