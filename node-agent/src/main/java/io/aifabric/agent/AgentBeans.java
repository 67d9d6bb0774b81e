package io.aifabric.agent;

import io.aifabric.agent.gpu.DeclaredInventory;
import io.aifabric.agent.gpu.GpuDiscovery;
import io.aifabric.agent.gpu.NvidiaSmi;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.agent.verify.CudaProbe;
import io.aifabric.agent.verify.GpuProbe;
import io.aifabric.agent.verify.HardwareVerifier;
import io.aifabric.agent.verify.SimulatedProbe;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.Clock;

/** The agent's parts, chosen by its settings. */
public class AgentBeans {
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @Singleton
  NodeKeyring identity(AgentConfig config) {
    try {
      return NodeKeyring.loadOrCreate(config.keyFile(), new SecureRandom());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create the node's keys", e);
    }
  }

  @Produces
  @Singleton
  GpuDiscovery discovery(AgentConfig config) {
    AgentConfig.Inventory inv = config.inventory();
    return switch (inv.source()) {
      case "nvidia-smi" -> new NvidiaSmi(inv.nvidiaSmi());
      case "declared" ->
          new DeclaredInventory(
              config.nodeName(),
              inv.model()
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "aifabric.agent.inventory.model is required for a declared inventory")),
              inv.count(),
              inv.memoryMib(),
              inv.driverVersion(),
              inv.cudaVersion());
      default ->
          throw new IllegalArgumentException(
              "aifabric.agent.inventory.source must be nvidia-smi or declared, not "
                  + inv.source());
    };
  }

  @Produces
  @Singleton
  HardwareVerifier hardwareVerifier(AgentConfig config) {
    AgentConfig.Inventory inv = config.inventory();
    GpuProbe probe =
        "declared".equals(inv.source())
            ? new SimulatedProbe(inv.measuredMemoryMib(), inv.benchmark())
            : new CudaProbe(config.gpuProbe());
    return new HardwareVerifier(probe);
  }
}
