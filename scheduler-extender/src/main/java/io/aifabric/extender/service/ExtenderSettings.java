package io.aifabric.extender.service;

import io.aifabric.extender.FilterPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Set;

/** The extender's settings ({@code aifabric.extender.*}, or AIFABRIC_EXTENDER_* variables). */
@ConfigMapping(prefix = "aifabric.extender")
public interface ExtenderSettings {
  /** Lowest availability score (0–255, the operator's label) a node may have to get GPU pods. */
  @WithDefault("0")
  int minAvailabilityScore();

  /** Lowest provider tier a node may have to get GPU pods. */
  @WithDefault("0")
  int minTier();

  /** What filter and bind demand of a node beyond fitting the pod. */
  default FilterPolicy filterPolicy() {
    return new FilterPolicy(minAvailabilityScore(), minTier());
  }

  /** Prioritize weights; 0 turns a criterion off. */
  Weights weights();

  /**
   * How long a reservation may wait for the pod informer to show its pod bound before the API
   * server is asked directly; a pod that vanished or never got bound then gives its GPUs back.
   */
  @WithDefault("30s")
  Duration reservationTimeout();

  /** Who may call the verbs, beyond holding a certificate from the extender's CA. */
  Tls tls();

  interface Tls {
    /**
     * The names (a certificate's CN or one of its DNS names) the extender takes calls from: the
     * chart's scheduler certificate is {@code aifabric-scheduler}. A CA shared with other uses (a
     * cluster-wide cert-manager issuer) then still lets only the scheduler in.
     */
    @WithDefault("aifabric-scheduler")
    Set<String> clients();
  }

  interface Weights {
    @WithDefault("2")
    int packing();

    @WithDefault("1")
    int availability();

    @WithDefault("1")
    int price();
  }
}
