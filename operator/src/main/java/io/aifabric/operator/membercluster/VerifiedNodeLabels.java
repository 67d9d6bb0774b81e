package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.contract.NodeLabels;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Puts what the network verified about a node on the member's Node as labels, for the member's
 * scheduler (the aifabric scheduler extender filters on them): {@code aifabric.io/verified}, {@code
 * aifabric.io/available}, {@code aifabric.io/availability-score} and {@code aifabric.io/tier}.
 * Written only when they differ from what the Node carries: at most once per probe and node, and
 * usually never.
 */
@ApplicationScoped
public class VerifiedNodeLabels {
  private static final Logger LOG = Logger.getLogger(VerifiedNodeLabels.class);

  /** The labels a node should carry, by what its ComputeNode says (null: the label goes). */
  static Map<String, String> desired(ComputeNodeStatus status) {
    Map<String, String> labels = new HashMap<>();
    labels.put(NodeLabels.VERIFIED, word(status, "Verified"));
    labels.put(NodeLabels.AVAILABLE, word(status, "Available"));
    labels.put(
        NodeLabels.SCORE,
        status.getAvailability() == null || status.getAvailability().getScore() == null
            ? null
            : String.valueOf(status.getAvailability().getScore()));
    labels.put(NodeLabels.TIER, status.getTier() == null ? null : String.valueOf(status.getTier()));
    return labels;
  }

  private final ProbeWrites writes;

  public VerifiedNodeLabels(ProbeWrites writes) {
    this.writes = writes;
  }

  public void apply(NodeMarks marks, MemberInventory inventory, Map<String, ComputeNode> nodes) {
    List<Relabel> stale = new ArrayList<>();
    for (GpuNodeInventory node : inventory.gpuNodes()) {
      ComputeNode cn = nodes.get(node.nodeName());
      if (cn == null || cn.getStatus() == null) {
        continue;
      }
      Map<String, String> want = desired(cn.getStatus());
      if (!labelled(node, want)) {
        stale.add(new Relabel(node, want));
      }
    }
    writes.each(
        stale,
        r -> {
          label(marks, r.node(), r.want());
          return r;
        });
  }

  /** A node whose labels differ from what its ComputeNode says, and what they should be. */
  private record Relabel(GpuNodeInventory node, Map<String, String> want) {}

  private static boolean labelled(GpuNodeInventory node, Map<String, String> want) {
    return want.entrySet().stream()
        .allMatch(e -> Objects.equals(e.getValue(), node.aifabricLabels().get(e.getKey())));
  }

  private static void label(NodeMarks marks, GpuNodeInventory node, Map<String, String> want) {
    try {
      marks.label(node.nodeName(), want);
    } catch (KubernetesClientException e) {
      // The next probe tries again; a missing RBAC grant shows in the log, not as a crash.
      LOG.warnf("node %s: could not label it: %s", node.nodeName(), e.getMessage());
    }
  }

  private static String word(ComputeNodeStatus status, String type) {
    return Conditions.find(status.getConditions(), type)
        .map(c -> c.getStatus().toLowerCase(java.util.Locale.ROOT))
        .orElse("unknown");
  }
}
