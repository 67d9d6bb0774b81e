package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.GpuPrice;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.operator.membercluster.MemberInventory.NodeUsage;
import io.aifabric.operator.placement.ClusterView;
import io.aifabric.operator.placement.GpuNodeView;
import io.aifabric.operator.stake.NodeStakeStatus;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Turns a probed member into what placement reads. */
final class ClusterViews {
  private ClusterViews() {}

  static ClusterView of(
      MemberCluster member, MemberInventory inventory, Map<String, ComputeNode> computeNodes) {
    Map<String, BigDecimal> prices = new HashMap<>();
    for (GpuPrice p : member.getSpec().getPricing()) {
      prices.put(p.getGpuModel(), new BigDecimal(p.getPricePerGpuHour()));
    }
    List<GpuNodeView> nodes =
        inventory.gpuNodes().stream()
            .map(n -> node(n, inventory.usage(n.nodeName()), computeNodes.get(n.nodeName())))
            .toList();
    Map<String, String> labels = member.getMetadata().getLabels();
    return new ClusterView(
        member.getMetadata().getName(),
        member.getSpec().getProviderWallet(),
        member.getSpec().getRegion(),
        labels == null ? Map.of() : labels,
        true,
        prices,
        member.getSpec().getObjectStore() != null,
        nodes);
  }

  private static GpuNodeView node(GpuNodeInventory n, NodeUsage usage, ComputeNode cn) {
    // Until a node agent has reported (Proof-of-Availability, stake), score and tier are 0: a job
    // that asks for a minimum score or tier waits for nodes that have proven one.
    int score = 0;
    int tier = 0;
    boolean proven = false;
    boolean suspended = false;
    if (cn != null && cn.getStatus() != null) {
      var conditions = cn.getStatus().getConditions();
      suspended =
          Conditions.find(conditions, NodeStakeStatus.SCHEDULABLE)
              .map(c -> NodeStakeStatus.PROVIDER_SUSPENDED.equals(c.getReason()))
              .orElse(false);
      proven =
          Conditions.isTrue(conditions, "Verified") && Conditions.isTrue(conditions, "Available");
      if (cn.getStatus().getAvailability() != null
          && cn.getStatus().getAvailability().getScore() != null) {
        score = cn.getStatus().getAvailability().getScore();
      }
      if (cn.getStatus().getTier() != null) {
        tier = cn.getStatus().getTier();
      }
    }
    return new GpuNodeView(
        n.nodeName(),
        n.product(),
        n.memoryMiB(),
        n.allocatable(),
        usage.byOthers(),
        usage.byJob(),
        n.schedulable() && !suspended,
        proven,
        score,
        tier);
  }
}
