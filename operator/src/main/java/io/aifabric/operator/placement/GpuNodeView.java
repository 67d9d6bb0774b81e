package io.aifabric.operator.placement;

import java.util.Map;

/**
 * One GPU node of a member cluster, as placement sees it.
 *
 * @param usedByOthers GPUs requested by running or pending pods that aifabric did not place
 * @param usedByJobs GPUs requested by pods of aifabric jobs, by job key; the engine counts a job
 *     either here or by its reservation, never both
 * @param proven the node's ComputeNode is Verified (its agent's signed hardware report matched) and
 *     Available (its signed heartbeats arrive)
 */
public record GpuNodeView(
    String name,
    String gpuModel,
    int gpuMemoryMiB,
    int allocatableGpus,
    int usedByOthers,
    Map<String, Integer> usedByJobs,
    boolean schedulable,
    boolean proven,
    int availabilityScore,
    int tier) {

  public GpuNodeView {
    usedByJobs = Map.copyOf(usedByJobs);
  }
}
