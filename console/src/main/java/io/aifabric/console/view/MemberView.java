package io.aifabric.console.view;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterStatus;
import io.quarkus.qute.TemplateData;
import java.util.List;

/** A MemberCluster as the console shows it: where it is, its health, its capacity and prices. */
@TemplateData
public record MemberView(
    String name,
    String region,
    String zone,
    String providerWallet,
    String kubernetesVersion,
    int gpuNodes,
    int gpus,
    String lastProbe,
    List<Price> pricing,
    List<Capacity> capacity,
    List<ConditionView> conditions) {

  /** The member's GPUs of one model as its probe counted them. */
  @TemplateData
  public record Capacity(String model, int total, int allocatable, int inUse) {}

  /** What the member asks per GPU-hour of a model. */
  @TemplateData
  public record Price(String gpuModel, String pricePerGpuHour) {}

  public static MemberView of(MemberCluster member) {
    MemberClusterStatus s =
        member.getStatus() == null ? new MemberClusterStatus() : member.getStatus();
    var spec = member.getSpec();
    return new MemberView(
        member.getMetadata().getName(),
        spec == null ? null : spec.getRegion(),
        spec == null ? null : spec.getZone(),
        spec == null ? null : spec.getProviderWallet(),
        s.getKubernetesVersion(),
        s.getGpuNodeCount() == null ? 0 : s.getGpuNodeCount(),
        s.getGpuTotal() == null ? 0 : s.getGpuTotal(),
        s.getLastProbeTime(),
        spec == null || spec.getPricing() == null
            ? List.of()
            : spec.getPricing().stream()
                .map(p -> new Price(p.getGpuModel(), p.getPricePerGpuHour()))
                .toList(),
        s.getGpuCapacity() == null
            ? List.of()
            : s.getGpuCapacity().stream()
                .map(
                    c ->
                        new Capacity(
                            c.getModel(),
                            zeroIfNull(c.getTotal()),
                            zeroIfNull(c.getAllocatable()),
                            zeroIfNull(c.getInUse())))
                .toList(),
        ConditionView.of(s.getConditions()));
  }

  public String path() {
    return Paths.member(name);
  }

  private static int zeroIfNull(Integer value) {
    return value == null ? 0 : value;
  }

  public boolean ready() {
    return ConditionView.isTrue(conditions, "Ready");
  }

  /** Why it is not Ready, from its condition. */
  public String notReadyBecause() {
    return ConditionView.find(conditions, "Ready")
        .filter(c -> !c.isTrue())
        .map(c -> c.reason() + ": " + c.message())
        .orElse(null);
  }
}
