package io.aifabric.operator.placement;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a job needs, from its AIJob spec. Empty sets and null bounds accept everything.
 *
 * @param key the job's identity (the AIJob's UID): reservations are kept under it
 * @param clusterLabels labels a cluster must carry (the clusterSelector's matchLabels)
 * @param clusterRequirements what else its labels must satisfy (the clusterSelector's
 *     matchExpressions)
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
    Map<String, String> clusterLabels,
    List<ClusterRequirement> clusterRequirements) {

  public JobRequest {
    gpuModels = Set.copyOf(gpuModels);
    regions = Set.copyOf(regions);
    clusterLabels = Map.copyOf(clusterLabels);
    clusterRequirements = List.copyOf(clusterRequirements);
  }

  public int totalGpus() {
    return replicas * gpusPerReplica;
  }
}
