package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportSpec;
import io.aifabric.api.v1alpha1.nodereport.NodeReportStatus;
import io.aifabric.contract.NodeLabels;
import io.aifabric.operator.informer.LeanItemStore;
import io.aifabric.operator.membercluster.MemberInventory.NodeUsage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A pull member's inventory, from the NodeReports its agent writes into its namespace on the host:
 * each report is turned back into the Node the push probe would have read, so both modes go through
 * the same {@link GpuNodeInventory} and usage. Watched (one informer over every member's reports),
 * never listed per probe; a report changing reconciles its member. The member a report belongs to
 * is the namespace it is in: an agent can write only there.
 */
@ApplicationScoped
public class PullInventory {
  private volatile InformerEventSource<NodeReport, MemberCluster> reports;

  /** The event source for the MemberCluster controller (called once, at start). */
  InformerEventSource<NodeReport, MemberCluster> eventSource(
      EventSourceContext<MemberCluster> context) {
    reports =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(NodeReport.class, MemberCluster.class)
                .withName("nodereports")
                .withSecondaryToPrimaryMapper(PullInventory::member)
                .withItemStore(new LeanItemStore<>())
                .build(),
            context);
    return reports;
  }

  /** What the member's agent last reported, with the facts its Lease carries. */
  MemberInventory of(String member, Lease lease) {
    List<GpuNodeInventory> gpuNodes = new ArrayList<>();
    Map<String, NodeUsage> usage = new HashMap<>();
    reports
        .list(PullMember.namespace(member))
        .forEach(
            report -> {
              String name = report.getMetadata().getName();
              GpuNodeInventory.of(node(name, report)).ifPresent(gpuNodes::add);
              usage.put(
                  name,
                  new NodeUsage(
                      report.getSpec().getGpusInUseByOthers(),
                      Map.copyOf(report.getSpec().getGpusInUseByJob())));
            });
    Map<String, String> facts =
        lease.getMetadata().getAnnotations() == null
            ? Map.of()
            : lease.getMetadata().getAnnotations();
    return new MemberInventory(
        facts.get(PullMember.KUBERNETES_VERSION_ANNOTATION),
        nodeCount(facts.get(PullMember.NODE_COUNT_ANNOTATION), gpuNodes.size()),
        gpuNodes,
        usage);
  }

  /**
   * The Node a report describes, as a push member's API server would have shown it. What the host
   * put in the report's status counts as on the Node already (its agent copies it there, and the
   * report follows a moment later): a verdict or certificate is not written again meanwhile.
   */
  static Node node(String name, NodeReport report) {
    NodeReportSpec spec = report.getSpec();
    Map<String, String> labels = new HashMap<>(spec.getLabels());
    Map<String, String> annotations = new HashMap<>(spec.getAnnotations());
    NodeReportStatus marks = report.getStatus();
    if (marks != null && marks.getLabels() != null && !marks.getLabels().isEmpty()) {
      labels.keySet().removeAll(NodeLabels.NETWORK_LABELS);
      labels.putAll(marks.getLabels());
    }
    if (marks != null && marks.getAnnotations() != null) {
      annotations.putAll(marks.getAnnotations());
    }
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withUnschedulable(spec.isUnschedulable())
        .endSpec()
        .withNewStatus()
        .withCapacity(quantities(spec.getCapacity()))
        .withAllocatable(quantities(spec.getAllocatable()))
        .addNewCondition()
        .withType("Ready")
        .withStatus(spec.isReady() ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    Map<String, Quantity> out = new HashMap<>();
    values.forEach((k, v) -> out.put(k, new Quantity(v)));
    return out;
  }

  private static int nodeCount(String reported, int atLeast) {
    try {
      return reported == null ? atLeast : Math.max(atLeast, Integer.parseInt(reported));
    } catch (NumberFormatException e) {
      return atLeast;
    }
  }

  private static Set<ResourceID> member(NodeReport report) {
    return PullMember.memberOf(report.getMetadata().getNamespace())
        .map(name -> Set.of(new ResourceID(name)))
        .orElse(Set.of());
  }
}
