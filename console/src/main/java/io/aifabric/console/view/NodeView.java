package io.aifabric.console.view;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.EpochShare;
import io.quarkus.qute.TemplateData;
import java.util.List;

/**
 * A ComputeNode as the console shows it: what its listing claims, what its agent measured and
 * signed, the verdicts, its identity, stake and tier, slashing, and its availability epochs. Every
 * string in it may come from a provider or a node: pages escape it.
 */
@TemplateData
public record NodeView(
    String name,
    String cluster,
    String nodeName,
    String product,
    int gpus,
    Integer claimedMemoryMiB,
    Integer measuredMemoryMiB,
    Long benchmarkScore,
    String verifiedAt,
    String address,
    Integer tier,
    String stake,
    String provider,
    String lastHeartbeat,
    Long epoch,
    Integer epochUptimePpm,
    Integer score,
    List<ConditionView> conditions,
    List<Slashing> slashings,
    List<Epoch> epochs) {

  /** A slashing the operator found, or one taken on chain. */
  @TemplateData
  public record Slashing(String reason, String message, String time, String transaction) {}

  /** One availability epoch's score and reward. */
  @TemplateData
  public record Epoch(long epoch, long score, long totalScore, String amount, boolean paid) {}

  public static NodeView of(ComputeNode node) {
    ComputeNodeStatus s = node.getStatus() == null ? new ComputeNodeStatus() : node.getStatus();
    var gpu = s.getGpu();
    var verification = s.getVerification();
    var identity = s.getIdentity();
    var availability = s.getAvailability();
    List<Slashing> slashings =
        java.util.stream.Stream.concat(
                s.getSlashingEvents() == null
                    ? java.util.stream.Stream.empty()
                    : s.getSlashingEvents().stream()
                        .map(e -> new Slashing(e.getReason(), e.getMessage(), e.getTime(), null)),
                s.getSlashes() == null
                    ? java.util.stream.Stream.empty()
                    : s.getSlashes().stream()
                        .map(
                            c ->
                                new Slashing(
                                    "SlashedOnChain",
                                    "took " + c.getTaken() + " of " + c.getRequested() + " wei",
                                    c.getBlock() == null ? null : "block " + c.getBlock(),
                                    c.getTransaction())))
            .toList();
    List<Epoch> epochs =
        s.getRewards() == null ? List.of() : s.getRewards().stream().map(NodeView::epoch).toList();
    return new NodeView(
        node.getMetadata().getName(),
        node.getSpec() == null ? null : node.getSpec().getCluster(),
        node.getSpec() == null ? null : node.getSpec().getNodeName(),
        gpu == null ? null : gpu.getProduct(),
        gpu == null || gpu.getCount() == null ? 0 : gpu.getCount(),
        gpu == null ? null : gpu.getMemoryMiB(),
        verification == null ? null : verification.getMeasuredVramMiB(),
        verification == null ? null : verification.getBenchmarkScore(),
        verification == null ? null : verification.getVerifiedAt(),
        identity == null ? null : identity.getAddress(),
        s.getTier(),
        s.getStake(),
        s.getProvider(),
        availability == null ? null : availability.getLastHeartbeat(),
        availability == null ? null : availability.getEpoch(),
        availability == null ? null : availability.getEpochUptimePpm(),
        availability == null ? null : availability.getScore(),
        ConditionView.of(s.getConditions()),
        slashings,
        epochs);
  }

  private static Epoch epoch(EpochShare share) {
    return new Epoch(
        share.getEpoch() == null ? 0 : share.getEpoch(),
        share.getScore() == null ? 0 : share.getScore(),
        share.getTotalScore() == null ? 0 : share.getTotalScore(),
        share.getAmount(),
        Boolean.TRUE.equals(share.getPaid()));
  }

  public String path() {
    return Paths.node(name);
  }

  public String memberPath() {
    return Paths.member(cluster);
  }

  public boolean verified() {
    return ConditionView.isTrue(conditions, "Verified");
  }

  public boolean available() {
    return ConditionView.isTrue(conditions, "Available");
  }

  public boolean registered() {
    return ConditionView.isTrue(conditions, "Registered");
  }

  /** The epoch's uptime as a percentage, or null before the first epoch. */
  public String uptimePercent() {
    return epochUptimePpm == null ? null : String.format("%.2f", epochUptimePpm / 10_000.0);
  }
}
