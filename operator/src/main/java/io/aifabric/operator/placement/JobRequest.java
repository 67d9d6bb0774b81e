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
 * @param provider the only provider (wallet) whose members may run the job: the one its escrow
 *     deposit pays; null: any
 * @param sealedOutputs the job's outputs are sealed to its user's key and stored in its member's
 *     object store: only members with one may run it
 * @param clusters the only members that may run it (where its StorageVolumes may be claimed);
 *     empty: any
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
    List<ClusterRequirement> clusterRequirements,
    String provider,
    boolean sealedOutputs,
    Set<String> clusters) {

  public JobRequest {
    gpuModels = Set.copyOf(gpuModels);
    regions = Set.copyOf(regions);
    clusterLabels = Map.copyOf(clusterLabels);
    clusterRequirements = List.copyOf(clusterRequirements);
    clusters = Set.copyOf(clusters);
  }

  /** The same job, to be run only on these members (all of them when empty). */
  public JobRequest onlyOn(Set<String> members) {
    return new JobRequest(
        key,
        replicas,
        gpusPerReplica,
        gpuModels,
        minGpuMemoryMiB,
        regions,
        minTier,
        minAvailabilityScore,
        maxPricePerGpuHour,
        clusterLabels,
        clusterRequirements,
        provider,
        sealedOutputs,
        members);
  }

  /** The same job, to be run only by the given provider's members. */
  public JobRequest paidTo(String provider) {
    return new JobRequest(
        key,
        replicas,
        gpusPerReplica,
        gpuModels,
        minGpuMemoryMiB,
        regions,
        minTier,
        minAvailabilityScore,
        maxPricePerGpuHour,
        clusterLabels,
        clusterRequirements,
        provider,
        sealedOutputs,
        clusters);
  }

  public int totalGpus() {
    return replicas * gpusPerReplica;
  }
}
