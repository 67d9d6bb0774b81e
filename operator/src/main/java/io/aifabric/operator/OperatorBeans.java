package io.aifabric.operator;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.placement.ScoreWeights;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The parts the operator's beans share: one clock, one placement engine, the SDK's metrics. */
public class OperatorBeans {
  @Produces
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @ApplicationScoped
  Conditions conditions(Clock clock) {
    return new Conditions(clock);
  }

  @Produces
  @ApplicationScoped
  PlacementEngine placementEngine(OperatorConfig config) {
    return new PlacementEngine(ScoreWeights.DEFAULT, config.placement().unverifiedNodes());
  }

  /**
   * The SDK's reconciliation metrics per controller, not per resource. Quarkus' operator SDK
   * default keeps a set of meters (timers with histograms) for every custom resource: measured at
   * about 20 KiB of heap per AIJob, 200 MiB at 10,000 jobs, and a label per job name for
   * Prometheus. The aifabric_* metrics say what matters per job in aggregate.
   */
  @Produces
  @Singleton
  Metrics sdkMetrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
