package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.GpuDevice;
import java.util.OptionalInt;

/**
 * A simulated node's measurement: its declared memory less what a CUDA context would reserve, or a
 * set figure, to play a node whose hardware does not match its listing.
 */
public final class SimulatedProbe implements GpuProbe {
  static final int CONTEXT_RESERVED_MIB = 512;

  private final OptionalInt measuredMiB;
  private final long benchmark;

  public SimulatedProbe(OptionalInt measuredMiB, long benchmark) {
    this.measuredMiB = measuredMiB;
    this.benchmark = benchmark;
  }

  @Override
  public Measurement measure(GpuDevice gpu) {
    return new Measurement(
        measuredMiB.orElse(Math.max(0, gpu.memoryTotalMiB() - CONTEXT_RESERVED_MIB)), benchmark);
  }

  @Override
  public String method() {
    return "simulated";
  }
}
