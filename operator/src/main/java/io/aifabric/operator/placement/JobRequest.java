package io.aifabric.operator.placement;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;

/**
 * What a job needs, from its AIJob spec. Empty sets and null bounds accept everything.
 *
 * @param key the job's identity (the AIJob's UID): reservations are kept under it
 * @param clusterLabels labels a cluster must carry (the clusterSelector's matchLabels)
 */
public record JobRequest(
    String key,
    int replicas,
    int gpusPerReplica,
    Set<String> gpuModels,
    int minGpuMemoryMiB,
    Set<String> regions,
    int minTier,
    int minAvailabilityScore,
    BigDecimal maxPricePerGpuHour,
    Map<String, String> clusterLabels) {

  public JobRequest {
    gpuModels = Set.copyOf(gpuModels);
    regions = Set.copyOf(regions);
    clusterLabels = Map.copyOf(clusterLabels);
  }

  public int totalGpus() {
    return replicas * gpusPerReplica;
  }
}
