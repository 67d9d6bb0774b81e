package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.GpuDevice;
import io.aifabric.agent.gpu.GpuDiscoveryException;

/** Measures one GPU rather than asking it: the memory that can really be allocated, and speed. */
public interface GpuProbe {
  /** What was measured of one GPU. */
  record Measurement(int allocatableMiB, long benchmark) {}

  Measurement measure(GpuDevice gpu) throws GpuDiscoveryException;

  /** How it measures, as reports say: cuda, simulated. */
  String method();
}
