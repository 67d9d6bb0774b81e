package io.aifabric.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * Compares what a node agent measured with what the node is listed as (its member's GPU Feature
 * Discovery labels and GPU capacity). Each contradiction is a finding: a reason for Verified=False
 * and a case for slashing the provider. The operator judges with it, and each oracle judges again
 * on its own before it signs a slash: one definition of a finding, on both sides.
 */
public final class HardwareJudge {
  /**
   * Allocatable memory is below the total by what the driver and a CUDA context reserve (a few
   * hundred MiB); anything beyond 10 % missing is not that.
   */
  static final double VRAM_TOLERANCE = 0.90;

  public record Finding(String reason, String message) {}

  private HardwareJudge() {}

  public static List<Finding> judge(
      HardwareReport report, String listedProduct, int listedMemoryMiB, int listedCount) {
    List<Finding> findings = new ArrayList<>();
    if (report.gpus().size() != listedCount) {
      findings.add(
          new Finding(
              "GpuCountMismatch",
              "listed with " + listedCount + " GPUs, the agent found " + report.gpus().size()));
    }
    for (HardwareReport.Gpu gpu : report.gpus()) {
      if (!gpu.product().equals(listedProduct)) {
        findings.add(
            new Finding(
                "ModelMismatch",
                gpu.uuid() + " is a " + gpu.product() + ", listed as " + listedProduct));
      }
      int expected = listedMemoryMiB > 0 ? listedMemoryMiB : gpu.claimedMiB();
      if (gpu.measuredMiB() < expected * VRAM_TOLERANCE) {
        findings.add(
            new Finding(
                "VramMismatch",
                gpu.uuid()
                    + ": "
                    + gpu.measuredMiB()
                    + " MiB could be allocated of "
                    + expected
                    + " MiB listed"));
      }
    }
    return findings;
  }
}
