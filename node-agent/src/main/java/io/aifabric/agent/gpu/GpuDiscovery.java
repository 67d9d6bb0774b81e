package io.aifabric.agent.gpu;

/** Where the agent learns what GPUs its node has: nvidia-smi, or a declared inventory. */
public interface GpuDiscovery {
  DiscoveredGpus discover() throws GpuDiscoveryException;
}
