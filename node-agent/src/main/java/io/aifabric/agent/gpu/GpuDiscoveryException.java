package io.aifabric.agent.gpu;

/** The GPUs could not be read: the message says why and what to check. */
public class GpuDiscoveryException extends Exception {
  public GpuDiscoveryException(String message) {
    super(message);
  }
}
