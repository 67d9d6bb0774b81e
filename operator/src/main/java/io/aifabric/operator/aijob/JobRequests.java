package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.PlacementConstraints;
import io.aifabric.operator.placement.ClusterRequirement;
import io.aifabric.operator.placement.JobRequest;
import io.aifabric.operator.placement.Placement.Placed;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Translates between AIJobs and the placement engine's terms. */
final class JobRequests {
  private JobRequests() {}

  /** The clusterSelector's matchExpressions; SpecValidator has refused any it cannot read. */
  static List<ClusterRequirement> requirements(PlacementConstraints c) {
    if (c.getClusterSelector() == null || c.getClusterSelector().getMatchExpressions() == null) {
      return List.of();
    }
    List<ClusterRequirement> requirements = new ArrayList<>();
    for (LabelSelectorRequirement r : c.getClusterSelector().getMatchExpressions()) {
      requirements.add(
          new ClusterRequirement(
              r.getKey(),
              ClusterRequirement.Operator.valueOf(r.getOperator()),
              r.getValues() == null ? Set.of() : Set.copyOf(r.getValues())));
    }
    return requirements;
  }

  static JobRequest of(AIJob job) {
    AIJobSpec spec = job.getSpec();
    PlacementConstraints c =
        spec.getPlacement() == null ? new PlacementConstraints() : spec.getPlacement();
    Map<String, String> labels =
        c.getClusterSelector() == null || c.getClusterSelector().getMatchLabels() == null
            ? Map.of()
            : c.getClusterSelector().getMatchLabels();
    return new JobRequest(
        job.getMetadata().getUid(),
        spec.getReplicas(),
        spec.getResources().getGpusPerReplica(),
        Set.copyOf(spec.getResources().getGpuModels()),
        spec.getResources().getMinGpuMemoryMiB() == null
            ? 0
            : spec.getResources().getMinGpuMemoryMiB(),
        Set.copyOf(c.getRegions()),
        c.getMinTier() == null ? 0 : c.getMinTier(),
        c.getMinAvailabilityScore() == null ? 0 : c.getMinAvailabilityScore(),
        c.getMaxPricePerGpuHour() == null ? null : new BigDecimal(c.getMaxPricePerGpuHour()),
        labels,
        requirements(c),
        null,
        spec.getEncryption() != null,
        Set.of());
  }

  /** The node of each replica, in completion-index order, from a per-node GPU plan. */
  static List<String> replicaNodes(Map<String, Integer> gpusByNode, int gpusPerReplica) {
    List<String> nodes = new ArrayList<>();
    gpusByNode.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e -> {
              for (int i = 0; i < e.getValue() / gpusPerReplica; i++) {
                nodes.add(e.getKey());
              }
            });
    return nodes;
  }

  /** GPUs per node from the node of each replica (unscheduled replicas count nowhere). */
  static Map<String, Integer> gpusByNode(List<String> replicaNodes, int gpusPerReplica) {
    Map<String, Integer> gpus = new HashMap<>();
    for (String node : replicaNodes) {
      if (node != null) {
        gpus.merge(node, gpusPerReplica, Integer::sum);
      }
    }
    return gpus;
  }

  /** The reservation a placed job holds, read back from its status (after an operator restart). */
  static Placed placedFromStatus(AIJob job) {
    var p = job.getStatus().getPlacement();
    return new Placed(
        p.getCluster(),
        p.getGpuModel(),
        p.getPricePerGpuHour() == null ? BigDecimal.ZERO : new BigDecimal(p.getPricePerGpuHour()),
        gpusByNode(p.getNodes(), job.getSpec().getResources().getGpusPerReplica()));
  }
}
