package io.aifabric.operator.placement;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds clusters and jobs for placement tests, with names that read like the test bed's. */
final class Fleet {
  static final String H100 = "NVIDIA-H100-80GB-HBM3";
  static final String A100 = "NVIDIA-A100-SXM4-40GB";
  static final String RTX4090 = "NVIDIA-GeForce-RTX-4090";
  static final Map<String, Integer> MEMORY = Map.of(H100, 81559, A100, 40960, RTX4090, 24564);

  static final class ClusterBuilder {
    private final String name;
    private String region = "eu-west-1";
    private boolean proven = true;
    private String provider = "0x00000000000000000000000000000000000000d1";
    private boolean ready = true;
    private boolean store = true;
    private final Map<String, String> labels = new HashMap<>();
    private final Map<String, BigDecimal> prices = new HashMap<>();
    private final List<GpuNodeView> nodes = new ArrayList<>();

    ClusterBuilder(String name) {
      this.name = name;
    }

    /** The cluster has no object store for sealed outputs. */
    ClusterBuilder noObjectStore() {
      this.store = false;
      return this;
    }

    ClusterBuilder region(String region) {
      this.region = region;
      return this;
    }

    /** Nodes added from now on are not Verified and Available (no agent has proven them). */
    ClusterBuilder unproven() {
      this.proven = false;
      return this;
    }

    ClusterBuilder provider(String wallet) {
      this.provider = wallet;
      return this;
    }

    ClusterBuilder notReady() {
      this.ready = false;
      return this;
    }

    ClusterBuilder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    ClusterBuilder price(String model, String price) {
      prices.put(model, new BigDecimal(price));
      return this;
    }

    /** count nodes of the model with gpus GPUs each, all free, score 255, tier 1. */
    ClusterBuilder nodes(int count, String model, int gpus) {
      for (int i = 0; i < count; i++) {
        node(model, gpus, 0, 255, 1);
      }
      return this;
    }

    ClusterBuilder node(String model, int gpus, int usedByOthers, int score, int tier) {
      return node(model, gpus, usedByOthers, Map.of(), score, tier);
    }

    ClusterBuilder node(
        String model, int gpus, int usedByOthers, Map<String, Integer> jobs, int score, int tier) {
      String nodeName = "gpu-" + nodes.size();
      nodes.add(
          new GpuNodeView(
              nodeName,
              model,
              MEMORY.get(model),
              gpus,
              usedByOthers,
              jobs,
              true,
              proven,
              score,
              tier));
      return this;
    }

    ClusterView build() {
      return new ClusterView(name, provider, region, labels, ready, prices, store, nodes);
    }
  }

  static ClusterBuilder cluster(String name) {
    return new ClusterBuilder(name);
  }

  static final class JobBuilder {
    private final String key;
    private int replicas = 1;
    private int gpus = 1;
    private Set<String> models = Set.of();
    private int memory;
    private Set<String> regions = Set.of();
    private int tier;
    private int score;
    private BigDecimal maxPrice;
    private Map<String, String> labels = Map.of();
    private boolean sealed;

    JobBuilder(String key) {
      this.key = key;
    }

    JobBuilder gang(int replicas, int gpusPerReplica) {
      this.replicas = replicas;
      this.gpus = gpusPerReplica;
      return this;
    }

    JobBuilder models(String... models) {
      this.models = Set.of(models);
      return this;
    }

    JobBuilder minMemory(int mib) {
      this.memory = mib;
      return this;
    }

    JobBuilder regions(String... regions) {
      this.regions = Set.of(regions);
      return this;
    }

    JobBuilder minTier(int tier) {
      this.tier = tier;
      return this;
    }

    JobBuilder minScore(int score) {
      this.score = score;
      return this;
    }

    private final java.util.List<ClusterRequirement> requirements = new java.util.ArrayList<>();

    JobBuilder maxPrice(String price) {
      this.maxPrice = new BigDecimal(price);
      return this;
    }

    JobBuilder sealedOutputs() {
      this.sealed = true;
      return this;
    }

    JobBuilder clusterLabel(String key, String value) {
      this.labels = Map.of(key, value);
      return this;
    }

    JobBuilder clusterRequirement(String key, ClusterRequirement.Operator op, String... values) {
      this.requirements.add(new ClusterRequirement(key, op, Set.of(values)));
      return this;
    }

    JobRequest build() {
      return new JobRequest(
          key,
          replicas,
          gpus,
          models,
          memory,
          regions,
          tier,
          score,
          maxPrice,
          labels,
          requirements,
          null,
          sealed,
          Set.of());
    }
  }

  static JobBuilder job(String key) {
    return new JobBuilder(key);
  }

  private Fleet() {}
}
