package io.aifabric.operator.placement;

import io.aifabric.operator.placement.GangFit.FreeNode;
import io.aifabric.operator.placement.Placement.Placed;
import io.aifabric.operator.placement.Placement.Unplaceable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Picks one member cluster for a job: filter (readiness, region, labels, GPU model and memory,
 * tier, availability, price, free GPUs for the whole gang), then score (price, availability,
 * packing), ties broken by cluster name so results are reproducible.
 *
 * <p>Every placement reserves its GPUs, node by node, until {@link #release}: a job that is placed
 * but whose pods the member has not scheduled yet still holds its GPUs, so concurrent placements
 * never over-commit a cluster. Pods of a reserved job are counted through the reservation only,
 * never twice. The engine is thread-safe; placements are serialised, which is what makes the
 * reservation check-and-set atomic.
 */
public final class PlacementEngine {
  private final ScoreWeights weights;
  private final boolean countUnprovenNodes;
  private final Map<String, Placed> reservations = new HashMap<>();
  private final Map<String, Map<String, Integer>> reservedByClusterNode = new HashMap<>();

  /**
   * @param countUnprovenNodes place jobs on nodes that are not Verified and Available too: an
   *     opt-in for networks that want unverified capacity (and the test bed's agentless KWOK
   *     nodes); by default only proven nodes count
   */
  public PlacementEngine(ScoreWeights weights, boolean countUnprovenNodes) {
    this.weights = weights;
    this.countUnprovenNodes = countUnprovenNodes;
  }

  /** Only Verified and Available nodes count, at the default weights. */
  public PlacementEngine() {
    this(ScoreWeights.DEFAULT, false);
  }

  /**
   * Places the job, or returns its existing reservation: placing the same job twice (a retried
   * reconcile) never reserves twice.
   */
  public synchronized Placement place(JobRequest job, Collection<ClusterView> clusters) {
    Placed existing = reservations.get(job.key());
    if (existing != null) {
      return existing;
    }
    TreeMap<String, String> reasons = new TreeMap<>();
    List<Candidate> candidates = new ArrayList<>();
    for (ClusterView cluster : clusters) {
      String reason = clusterLevelMismatch(job, cluster);
      if (reason != null) {
        reasons.put(cluster.name(), reason);
        continue;
      }
      evaluateNodes(job, cluster, candidates, reasons);
    }
    if (candidates.isEmpty()) {
      return new Unplaceable(reasons);
    }
    BigDecimal cheapest =
        candidates.stream().map(Candidate::price).min(BigDecimal::compareTo).orElseThrow();
    Candidate best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (Candidate c : candidates) {
      double score = score(c, cheapest);
      if (score > bestScore
          || (score == bestScore && c.placed().cluster().compareTo(best.placed().cluster()) < 0)) {
        best = c;
        bestScore = score;
      }
    }
    reserve(job.key(), best.placed());
    return best.placed();
  }

  /** Frees the job's GPUs: it finished, was deleted, or is being re-placed elsewhere. */
  public synchronized void release(String jobKey) {
    Placed placed = reservations.remove(jobKey);
    if (placed != null) {
      Map<String, Integer> reserved = reservedByClusterNode.get(placed.cluster());
      placed.gpusByNode().forEach((node, gpus) -> reserved.merge(node, -gpus, Integer::sum));
      reserved.values().removeIf(v -> v == 0);
    }
  }

  /**
   * Records a placement made before (by an earlier run of the operator, read back from AIJob
   * status), so that its GPUs count from the start.
   */
  public synchronized void restore(String jobKey, Placed placed) {
    release(jobKey);
    reserve(jobKey, placed);
  }

  /**
   * Moves a reservation to the nodes the member's scheduler actually chose, once the pods are
   * bound, so that node-level accounting follows reality.
   */
  public synchronized void reanchor(String jobKey, Map<String, Integer> actualGpusByNode) {
    Placed placed = reservations.get(jobKey);
    if (placed != null && !placed.gpusByNode().equals(actualGpusByNode)) {
      restore(
          jobKey,
          new Placed(
              placed.cluster(), placed.gpuModel(), placed.pricePerGpuHour(), actualGpusByNode));
    }
  }

  public synchronized Optional<Placed> reservation(String jobKey) {
    return Optional.ofNullable(reservations.get(jobKey));
  }

  public synchronized int reservedGpus(String cluster) {
    return reservedByClusterNode.getOrDefault(cluster, Map.of()).values().stream()
        .mapToInt(Integer::intValue)
        .sum();
  }

  private void reserve(String jobKey, Placed placed) {
    reservations.put(jobKey, placed);
    Map<String, Integer> reserved =
        reservedByClusterNode.computeIfAbsent(placed.cluster(), c -> new HashMap<>());
    placed.gpusByNode().forEach((node, gpus) -> reserved.merge(node, gpus, Integer::sum));
  }

  private static String clusterLevelMismatch(JobRequest job, ClusterView cluster) {
    if (!cluster.ready()) {
      return "not Ready";
    }
    if (job.provider() != null && !job.provider().equalsIgnoreCase(cluster.provider())) {
      return "its provider "
          + cluster.provider()
          + " is not the one the deposit pays ("
          + job.provider()
          + ")";
    }
    if (!job.clusters().isEmpty() && !job.clusters().contains(cluster.name())) {
      return "not one of "
          + new TreeSet<>(job.clusters())
          + ", where its StorageVolumes may be claimed";
    }
    if (job.sealedOutputs() && !cluster.storesOutputs()) {
      return "has no object store for sealed outputs (spec.objectStore)";
    }
    if (!job.regions().isEmpty() && !job.regions().contains(cluster.region())) {
      return "region " + cluster.region() + " is not one of " + new TreeSet<>(job.regions());
    }
    for (var label : job.clusterLabels().entrySet()) {
      if (!label.getValue().equals(cluster.labels().get(label.getKey()))) {
        return "does not match clusterSelector " + label.getKey() + "=" + label.getValue();
      }
    }
    for (ClusterRequirement requirement : job.clusterRequirements()) {
      if (!requirement.matches(cluster.labels())) {
        return "does not match clusterSelector " + requirement;
      }
    }
    return null;
  }

  /** A node-level filter stage: which nodes pass, and what to say when none does. */
  private record Stage(String failure, Predicate<GpuNodeView> passes) {}

  private void evaluateNodes(
      JobRequest job,
      ClusterView cluster,
      List<Candidate> candidates,
      Map<String, String> reasons) {
    List<Stage> stages =
        List.of(
            new Stage(
                "no GPU of an accepted model "
                    + new TreeSet<>(job.gpuModels())
                    + " (has "
                    + models(cluster.nodes())
                    + ")",
                n -> job.gpuModels().isEmpty() || job.gpuModels().contains(n.gpuModel())),
            new Stage(
                "no GPU with at least " + job.minGpuMemoryMiB() + " MiB",
                n -> n.gpuMemoryMiB() >= job.minGpuMemoryMiB()),
            new Stage(
                "no node with " + job.gpusPerReplica() + " GPUs per replica",
                n -> n.allocatableGpus() >= job.gpusPerReplica()),
            new Stage(
                "no node of tier " + job.minTier() + " or above", n -> n.tier() >= job.minTier()),
            new Stage(
                "no node with availability score " + job.minAvailabilityScore() + " or above",
                n -> n.availabilityScore() >= job.minAvailabilityScore()),
            new Stage("no schedulable GPU node", GpuNodeView::schedulable),
            new Stage(
                "no Verified and Available GPU node (its agent's signed hardware report and"
                    + " heartbeats)",
                n -> countUnprovenNodes || n.proven()));
    List<GpuNodeView> nodes = cluster.nodes();
    for (Stage stage : stages) {
      nodes = nodes.stream().filter(stage.passes()).toList();
      if (nodes.isEmpty()) {
        reasons.put(cluster.name(), stage.failure());
        return;
      }
    }
    Map<String, List<GpuNodeView>> byModel =
        nodes.stream()
            .collect(
                Collectors.groupingBy(GpuNodeView::gpuModel, TreeMap::new, Collectors.toList()));
    Map<String, Integer> reserved = reservedByClusterNode.getOrDefault(cluster.name(), Map.of());
    List<String> modelReasons = new ArrayList<>();
    Candidate cheapestFit = null;
    for (var entry : byModel.entrySet()) {
      String model = entry.getKey();
      BigDecimal price = cluster.pricePerGpuHour().get(model);
      if (price == null) {
        modelReasons.add("offers no price for " + model);
        continue;
      }
      if (job.maxPricePerGpuHour() != null && price.compareTo(job.maxPricePerGpuHour()) > 0) {
        modelReasons.add(
            model
                + " costs "
                + price.toPlainString()
                + " per GPU-hour, above the maximum "
                + job.maxPricePerGpuHour().toPlainString());
        continue;
      }
      List<FreeNode> free = new ArrayList<>();
      int freeGpus = 0;
      for (GpuNodeView n : entry.getValue()) {
        int f = freeGpus(n, reserved);
        free.add(new FreeNode(n.name(), f, n.allocatableGpus(), n.availabilityScore()));
        freeGpus += Math.max(f, 0);
      }
      GangFit.Result fit = GangFit.fit(free, job.replicas(), job.gpusPerReplica());
      if (!fit.fits(job.replicas())) {
        modelReasons.add(
            "only "
                + fit.replicasPlaced()
                + " of "
                + job.replicas()
                + " replicas ("
                + job.gpusPerReplica()
                + " GPUs each) fit on the "
                + freeGpus
                + " free "
                + model
                + " GPUs");
        continue;
      }
      Candidate c =
          new Candidate(new Placed(cluster.name(), model, price, fit.gpusByNode()), free, price);
      if (cheapestFit == null || price.compareTo(cheapestFit.price()) < 0) {
        cheapestFit = c;
      }
    }
    if (cheapestFit != null) {
      candidates.add(cheapestFit);
    } else {
      reasons.put(cluster.name(), String.join(", ", modelReasons));
    }
  }

  private int freeGpus(GpuNodeView node, Map<String, Integer> reserved) {
    int used = node.usedByOthers();
    for (var job : node.usedByJobs().entrySet()) {
      if (!reservations.containsKey(job.getKey())) {
        used += job.getValue();
      }
    }
    return node.allocatableGpus() - used - reserved.getOrDefault(node.name(), 0);
  }

  private double score(Candidate c, BigDecimal cheapest) {
    double price =
        c.price().signum() == 0
            ? 1.0
            : cheapest.divide(c.price(), MathContext.DECIMAL64).doubleValue();
    int nodes = c.placed().gpusByNode().size();
    double availability = 0;
    double packing = 0;
    for (FreeNode n : c.nodes()) {
      Integer taken = c.placed().gpusByNode().get(n.name());
      if (taken != null) {
        availability += n.availabilityScore() / 255.0;
        packing += (double) (n.allocatable() - n.free() + taken) / n.allocatable();
      }
    }
    return weights.price() * price
        + weights.availability() * availability / nodes
        + weights.packing() * packing / nodes;
  }

  private static String models(List<GpuNodeView> nodes) {
    TreeSet<String> models = new TreeSet<>();
    nodes.forEach(n -> models.add(n.gpuModel()));
    return models.isEmpty() ? "no GPU nodes" : String.join(", ", models);
  }

  private record Candidate(Placed placed, List<FreeNode> nodes, BigDecimal price) {}
}
