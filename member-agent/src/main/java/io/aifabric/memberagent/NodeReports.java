package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.nodereport.NodeReportSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the agent tells the host about one Node: the fields the operator reads from a push member's
 * Node and Pods, nothing else (no other annotations, no addresses, no pod names).
 */
final class NodeReports {
  static final String GPU = "nvidia.com/gpu";
  static final String JOB_UID_LABEL = "aifabric.io/job-uid";
  private static final String OURS = "aifabric.io/";

  private NodeReports() {}

  /**
   * The report of a node with GPUs, or empty for a node without.
   *
   * @param pods the pods bound to this node that have not finished
   */
  static Optional<NodeReportSpec> of(Node node, Collection<Pod> pods) {
    Map<String, Quantity> capacity =
        node.getStatus() == null ? null : node.getStatus().getCapacity();
    if (gpus(capacity) == 0) {
      return Optional.empty();
    }
    NodeReportSpec spec = new NodeReportSpec();
    if (node.getMetadata().getLabels() != null) {
      spec.setLabels(new HashMap<>(node.getMetadata().getLabels()));
    }
    if (node.getMetadata().getAnnotations() != null) {
      node.getMetadata()
          .getAnnotations()
          .forEach(
              (k, v) -> {
                if (k.startsWith(OURS)) {
                  spec.getAnnotations().put(k, v);
                }
              });
    }
    spec.setCapacity(strings(capacity));
    spec.setAllocatable(strings(node.getStatus().getAllocatable()));
    spec.setReady(
        node.getStatus().getConditions() != null
            && node.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    spec.setUnschedulable(
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable()));
    for (Pod pod : pods) {
      int held = gpuRequest(pod);
      if (held == 0) {
        continue;
      }
      Map<String, String> labels = pod.getMetadata().getLabels();
      String job = labels == null ? null : labels.get(JOB_UID_LABEL);
      if (job == null) {
        spec.setGpusInUseByOthers(spec.getGpusInUseByOthers() + held);
      } else {
        spec.getGpusInUseByJob().merge(job, held, Integer::sum);
      }
    }
    return Optional.of(spec);
  }

  /** The names of the fields in which two reports differ (all of them when there was none). */
  static List<String> differences(NodeReportSpec before, NodeReportSpec after) {
    if (before == null) {
      return List.of("everything");
    }
    List<String> fields = new ArrayList<>();
    differs(fields, "labels", before.getLabels(), after.getLabels());
    differs(fields, "annotations", before.getAnnotations(), after.getAnnotations());
    differs(fields, "capacity", before.getCapacity(), after.getCapacity());
    differs(fields, "allocatable", before.getAllocatable(), after.getAllocatable());
    differs(fields, "ready", before.isReady(), after.isReady());
    differs(fields, "unschedulable", before.isUnschedulable(), after.isUnschedulable());
    differs(
        fields, "gpusInUseByOthers", before.getGpusInUseByOthers(), after.getGpusInUseByOthers());
    differs(fields, "gpusInUseByJob", before.getGpusInUseByJob(), after.getGpusInUseByJob());
    return fields;
  }

  private static void differs(List<String> fields, String name, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      fields.add(name);
    }
  }

  /** GPUs a pod holds: extended resources have requests equal to limits. */
  static int gpuRequest(Pod pod) {
    int gpus = 0;
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getResources() == null) {
        continue;
      }
      int g = gpus(c.getResources().getLimits());
      gpus += g > 0 ? g : gpus(c.getResources().getRequests());
    }
    return gpus;
  }

  private static int gpus(Map<String, Quantity> resources) {
    if (resources == null || !resources.containsKey(GPU)) {
      return 0;
    }
    return resources.get(GPU).getNumericalAmount().intValue();
  }

  private static Map<String, String> strings(Map<String, Quantity> resources) {
    Map<String, String> out = new HashMap<>();
    if (resources != null) {
      resources.forEach((k, v) -> out.put(k, v.toString()));
    }
    return out;
  }
}
