package io.aifabric.operator.placement;

import static io.aifabric.operator.placement.Fleet.A100;
import static io.aifabric.operator.placement.Fleet.H100;
import static io.aifabric.operator.placement.Fleet.RTX4090;
import static io.aifabric.operator.placement.Fleet.cluster;
import static io.aifabric.operator.placement.Fleet.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.operator.placement.Placement.Placed;
import io.aifabric.operator.placement.Placement.Unplaceable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementEngineTest {
  private final PlacementEngine engine = new PlacementEngine();

  private final ClusterView memberA =
      cluster("member-a")
          .provider("0x00000000000000000000000000000000000000aa")
          .region("eu-west-1")
          .label("aifabric.io/provider", "dc-eu")
          .price(H100, "2.40")
          .price(A100, "1.10")
          .nodes(4, H100, 8)
          .nodes(4, A100, 4)
          .build();
  private final ClusterView memberB =
      cluster("member-b")
          .provider("0x00000000000000000000000000000000000000bb")
          .region("us-east-1")
          .price(A100, "0.95")
          .price(RTX4090, "0.40")
          .nodes(4, A100, 4)
          .nodes(4, RTX4090, 4)
          .build();
  private final List<ClusterView> both = List.of(memberA, memberB);

  @Test
  void aSingleGpuJobGoesToTheCheapestModelThatMeetsItsMemory() {
    Placed placed = placed(engine.place(job("j").minMemory(20_000).build(), both));
    assertThat(placed.cluster()).isEqualTo("member-b");
    assertThat(placed.gpuModel()).isEqualTo(RTX4090);
    assertThat(placed.pricePerGpuHour()).isEqualByComparingTo("0.40");
    assertThat(placed.gpusByNode().values()).containsExactly(1);
  }

  /** A job paid from escrow runs only where its deposit's provider is paid, however cheap else. */
  @Test
  void aJobPaidToOneProviderIsPlacedOnlyOnThatProvidersMembers() {
    JobRequest paidToA =
        job("j").minMemory(20_000).build().paidTo("0x00000000000000000000000000000000000000AA");
    assertThat(placed(engine.place(paidToA, both)).cluster()).isEqualTo("member-a");

    JobRequest paidToNobody = job("k").build().paidTo("0x00000000000000000000000000000000000000cc");
    assertThat(((Unplaceable) engine.place(paidToNobody, both)).message())
        .contains(
            "member-b: its provider 0x00000000000000000000000000000000000000bb is not the one the"
                + " deposit pays (0x00000000000000000000000000000000000000cc)");
  }

  /** A job whose StorageVolume may be claimed only in some members runs only there. */
  @Test
  void aJobIsPlacedOnlyWhereItsVolumesMayBeClaimed() {
    JobRequest onlyA = job("j").minMemory(20_000).build().onlyOn(java.util.Set.of("member-a"));
    assertThat(placed(engine.place(onlyA, both)).cluster()).isEqualTo("member-a");
    assertThat(
            ((Unplaceable)
                    engine.place(job("k").build().onlyOn(java.util.Set.of("member-c")), both))
                .message())
        .contains("member-b: not one of [member-c], where its StorageVolumes may be claimed");
  }

  /** Sealed outputs need somewhere to go: a member without an object store is passed over. */
  @Test
  void aJobWithSealedOutputsGoesOnlyToMembersWithAnObjectStore() {
    ClusterView cheapWithoutStore =
        cluster("member-c").price(RTX4090, "0.10").noObjectStore().nodes(2, RTX4090, 4).build();
    List<ClusterView> fleet = List.of(memberA, memberB, cheapWithoutStore);

    assertThat(placed(engine.place(job("plain").build(), fleet)).cluster()).isEqualTo("member-c");
    assertThat(placed(engine.place(job("sealed").sealedOutputs().build(), fleet)).cluster())
        .isEqualTo("member-b");
    assertThat(
            ((Unplaceable)
                    engine.place(
                        job("nowhere").sealedOutputs().build(), List.of(cheapWithoutStore)))
                .message())
        .contains("member-c: has no object store for sealed outputs (spec.objectStore)");
  }

  /**
   * A node no agent has proven (hardware report, heartbeats) gets no work by default, however
   * cheap; the network-wide opt-in counts it.
   */
  @Test
  void nodesThatAreNotVerifiedAndAvailableCountOnlyWhenTheNetworkOptsIn() {
    ClusterView cheapButUnproven =
        cluster("member-c").price(RTX4090, "0.10").unproven().nodes(2, RTX4090, 4).build();
    List<ClusterView> fleet = List.of(memberA, memberB, cheapButUnproven);

    assertThat(placed(engine.place(job("j").build(), fleet)).cluster()).isEqualTo("member-b");
    assertThat(((Unplaceable) engine.place(job("k").build(), List.of(cheapButUnproven))).message())
        .contains("member-c: no Verified and Available GPU node");

    PlacementEngine permissive = new PlacementEngine(ScoreWeights.DEFAULT, true);
    assertThat(placed(permissive.place(job("j").build(), fleet)).cluster()).isEqualTo("member-c");
  }

  @Test
  void memoryExcludesSmallGpus() {
    Placed placed = placed(engine.place(job("j").minMemory(40_000).build(), both));
    assertThat(placed.gpuModel()).isEqualTo(A100);
    assertThat(placed.cluster()).isEqualTo("member-b");
  }

  @Test
  void aGangIsPlacedWholeOnOneCluster() {
    Placed placed = placed(engine.place(job("gang").gang(4, 8).models(H100).build(), both));
    assertThat(placed.cluster()).isEqualTo("member-a");
    assertThat(placed.gpusByNode())
        .hasSize(4)
        .allSatisfy((node, gpus) -> assertThat(gpus).isEqualTo(8));
  }

  @Test
  void aGangThatDoesNotFitWholeIsNotPlacedAtAll() {
    ClusterView three = cluster("member-a").price(H100, "2").nodes(3, H100, 8).build();
    Placement result = engine.place(job("gang").gang(4, 8).build(), List.of(three));
    assertThat(result).isInstanceOf(Unplaceable.class);
    assertThat(((Unplaceable) result).message())
        .contains("only 3 of 4 replicas (8 GPUs each) fit on the 24 free " + H100 + " GPUs");
    assertThat(engine.reservedGpus("member-a")).isZero();
  }

  @Test
  void replicasShareANodeWhenItHasRoom() {
    ClusterView one = cluster("c").price(H100, "2").nodes(1, H100, 8).build();
    Placed placed = placed(engine.place(job("j").gang(4, 2).build(), List.of(one)));
    assertThat(placed.gpusByNode()).containsExactly(Map.entry("gpu-0", 8));
  }

  @Test
  void bestFitFillsTheFullestNodeFirst() {
    ClusterView c =
        cluster("c").price(H100, "2").node(H100, 8, 0, 255, 1).node(H100, 8, 6, 255, 1).build();
    Placed placed = placed(engine.place(job("j").gang(1, 2).build(), List.of(c)));
    assertThat(placed.gpusByNode()).containsOnlyKeys("gpu-1");
  }

  @Test
  void reasonsSayWhichConstraintExcludedWhichCluster() {
    Unplaceable none =
        (Unplaceable) engine.place(job("j").gang(1, 8).models("NVIDIA-B200").build(), both);
    assertThat(none.reasonsByCluster())
        .containsEntry(
            "member-a",
            "no GPU of an accepted model [NVIDIA-B200] (has " + A100 + ", " + H100 + ")")
        .containsEntry(
            "member-b",
            "no GPU of an accepted model [NVIDIA-B200] (has " + A100 + ", " + RTX4090 + ")");
    assertThat(none.message())
        .startsWith("no member cluster fits: member-a: no GPU of an accepted");
  }

  @Test
  void regionConstraint() {
    Unplaceable none = (Unplaceable) engine.place(job("j").regions("ap-south-1").build(), both);
    assertThat(none.reasonsByCluster().get("member-b"))
        .isEqualTo("region us-east-1 is not one of [ap-south-1]");
    Placed eu = placed(engine.place(job("k").regions("eu-west-1").build(), both));
    assertThat(eu.cluster()).isEqualTo("member-a");
  }

  @Test
  void clusterSelector() {
    Placed placed =
        placed(engine.place(job("j").clusterLabel("aifabric.io/provider", "dc-eu").build(), both));
    assertThat(placed.cluster()).isEqualTo("member-a");
  }

  @Test
  void clusterSelectorExpressionsHaveLabelSelectorMeaning() {
    String provider = "aifabric.io/provider";
    Placed notEu =
        placed(
            engine.place(
                job("j")
                    .clusterRequirement(provider, ClusterRequirement.Operator.NotIn, "dc-eu")
                    .build(),
                both));
    assertThat(notEu.cluster()).isEqualTo("member-b");
    Placed eu =
        placed(
            engine.place(
                job("k")
                    .clusterRequirement(provider, ClusterRequirement.Operator.In, "dc-eu", "dc-ap")
                    .clusterRequirement(provider, ClusterRequirement.Operator.Exists)
                    .build(),
                both));
    assertThat(eu.cluster()).isEqualTo("member-a");
    Placed unlabelled =
        placed(
            engine.place(
                job("l")
                    .clusterRequirement(provider, ClusterRequirement.Operator.DoesNotExist)
                    .build(),
                both));
    assertThat(unlabelled.cluster()).isEqualTo("member-b");
    Unplaceable none =
        (Unplaceable)
            engine.place(
                job("m")
                    .clusterRequirement(provider, ClusterRequirement.Operator.In, "dc-ap")
                    .build(),
                both);
    assertThat(none.reasonsByCluster().get("member-a"))
        .isEqualTo("does not match clusterSelector " + provider + " in [dc-ap]");
  }

  @Test
  void maxPriceExcludesExpensiveModels() {
    Placement result = engine.place(job("j").models(H100).maxPrice("1.50").build(), both);
    assertThat(((Unplaceable) result).reasonsByCluster().get("member-a"))
        .isEqualTo(H100 + " costs 2.40 per GPU-hour, above the maximum 1.50");
  }

  @Test
  void aModelWithoutAPriceIsNotOffered() {
    ClusterView unpriced = cluster("c").nodes(2, H100, 8).build();
    Placement result = engine.place(job("j").build(), List.of(unpriced));
    assertThat(((Unplaceable) result).reasonsByCluster())
        .containsEntry("c", "offers no price for " + H100);
  }

  @Test
  void tierAndAvailabilityScoreAreMinimums() {
    ClusterView c =
        cluster("c").price(H100, "2").node(H100, 8, 0, 100, 1).node(H100, 8, 0, 250, 0).build();
    assertThat(
            ((Unplaceable) engine.place(job("a").minTier(1).minScore(200).build(), List.of(c)))
                .reasonsByCluster())
        .containsEntry("c", "no node with availability score 200 or above");
    assertThat(placed(engine.place(job("b").minScore(200).build(), List.of(c))).gpusByNode())
        .containsOnlyKeys("gpu-1");
  }

  @Test
  void aClusterThatIsNotReadyIsSkipped() {
    ClusterView down = cluster("down").notReady().price(H100, "0.01").nodes(4, H100, 8).build();
    Placed placed = placed(engine.place(job("j").build(), List.of(down, memberA)));
    assertThat(placed.cluster()).isEqualTo("member-a");
  }

  @Test
  void placedButUnscheduledWorkHoldsItsGpus() {
    ClusterView c = cluster("c").price(H100, "2").nodes(2, H100, 8).build();
    placed(engine.place(job("first").gang(2, 8).build(), List.of(c)));
    Placement second = engine.place(job("second").gang(1, 1).build(), List.of(c));
    assertThat(second).isInstanceOf(Unplaceable.class);
  }

  @Test
  void podsOfAReservedJobAreNotCountedTwice() {
    ClusterView before = cluster("c").price(H100, "2").nodes(1, H100, 8).build();
    placed(engine.place(job("first").gang(1, 4).build(), List.of(before)));
    // The member has now scheduled first's pod on gpu-0: 4 GPUs used by that job.
    ClusterView after =
        cluster("c").price(H100, "2").node(H100, 8, 0, Map.of("first", 4), 255, 1).build();
    assertThat(engine.place(job("second").gang(1, 4).build(), List.of(after)))
        .isInstanceOf(Placed.class);
  }

  @Test
  void podsOfAnUnknownJobCount() {
    ClusterView c =
        cluster("c").price(H100, "2").node(H100, 8, 0, Map.of("gone", 6), 255, 1).build();
    assertThat(engine.place(job("j").gang(1, 4).build(), List.of(c)))
        .isInstanceOf(Unplaceable.class);
  }

  @Test
  void releasingFreesTheGpus() {
    ClusterView c = cluster("c").price(H100, "2").nodes(1, H100, 8).build();
    placed(engine.place(job("first").gang(1, 8).build(), List.of(c)));
    engine.release("first");
    assertThat(engine.reservedGpus("c")).isZero();
    assertThat(engine.place(job("second").gang(1, 8).build(), List.of(c)))
        .isInstanceOf(Placed.class);
  }

  @Test
  void placingTheSameJobAgainReturnsItsReservation() {
    Placed first = placed(engine.place(job("j").gang(2, 4).build(), both));
    Placed again = placed(engine.place(job("j").gang(2, 4).build(), both));
    assertThat(again).isEqualTo(first);
    assertThat(engine.reservedGpus(first.cluster())).isEqualTo(8);
  }

  @Test
  void restoredPlacementsCountFromTheStart() {
    ClusterView c = cluster("c").price(H100, "2").nodes(1, H100, 8).build();
    engine.restore("old", new Placed("c", H100, new java.math.BigDecimal("2"), Map.of("gpu-0", 8)));
    assertThat(engine.place(job("new").build(), List.of(c))).isInstanceOf(Unplaceable.class);
  }

  @Test
  void reanchoringFollowsTheNodesTheSchedulerChose() {
    ClusterView c = cluster("c").price(H100, "2").nodes(2, H100, 8).build();
    Placed planned = placed(engine.place(job("j").gang(1, 8).build(), List.of(c)));
    String other = planned.gpusByNode().containsKey("gpu-0") ? "gpu-1" : "gpu-0";
    engine.reanchor("j", Map.of(other, 8));
    assertThat(engine.reservation("j").orElseThrow().gpusByNode()).containsOnlyKeys(other);
    assertThat(engine.reservedGpus("c")).isEqualTo(8);
  }

  @Test
  void tiesGoToTheFirstClusterByName() {
    ClusterView x = cluster("x").price(H100, "2").nodes(1, H100, 8).build();
    ClusterView b = cluster("b").price(H100, "2").nodes(1, H100, 8).build();
    assertThat(placed(engine.place(job("j").build(), List.of(x, b))).cluster()).isEqualTo("b");
  }

  @Test
  void noClustersAtAll() {
    assertThat(((Unplaceable) engine.place(job("j").build(), List.of())).message())
        .isEqualTo("no member cluster has joined the network");
  }

  static Placed placed(Placement placement) {
    assertThat(placement).isInstanceOf(Placed.class);
    return (Placed) placement;
  }
}
