package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.DiscoveredGpus;
import io.aifabric.agent.gpu.GpuDevice;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.HardwareReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures every GPU of the node and reports, per GPU, what the driver claims next to what was
 * measured. The agent does not judge: the network compares the report with the node's listing and
 * with every other node's GPUs.
 */
public final class HardwareVerifier {
  private final GpuProbe probe;

  public HardwareVerifier(GpuProbe probe) {
    this.probe = probe;
  }

  public HardwareReport verify(EthAddress node, DiscoveredGpus inventory, long nowMillis)
      throws GpuDiscoveryException {
    List<HardwareReport.Gpu> gpus = new ArrayList<>();
    for (GpuDevice gpu : inventory.gpus()) {
      GpuProbe.Measurement m = probe.measure(gpu);
      gpus.add(
          new HardwareReport.Gpu(
              gpu.uuid(), gpu.product(), gpu.memoryTotalMiB(), m.allocatableMiB(), m.benchmark()));
    }
    return new HardwareReport(node, nowMillis, probe.method(), gpus);
  }
}
