package io.aifabric.operator.aijob;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** The AIJob controller's Prometheus metrics (aifabric_*). */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class AIJobMetrics {
  private final MeterRegistry registry;
  private final Timer placementDuration;
  private final Timer dispatchLatency;

  public AIJobMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.placementDuration =
        Timer.builder("aifabric.placement.duration")
            .description("Time the placement engine takes for one job")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.dispatchLatency =
        Timer.builder("aifabric.dispatch.latency")
            .description("From AIJob creation to its Job created in the member")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    // Every series a dashboard plots exists from the start at 0: a quiet network shows zeros,
    // not "no data", and rate() has a first sample to start from.
    for (String result : new String[] {"placed", "unplaceable"}) {
      registry.counter("aifabric.placements", "result", result);
    }
    for (String phase : new String[] {"Succeeded", "Failed"}) {
      registry.counter("aifabric.jobs.finished", "phase", phase);
    }
    registry.counter("aifabric.failovers");
  }

  void placement(String result, Duration took) {
    registry.counter("aifabric.placements", "result", result).increment();
    placementDuration.record(took);
  }

  void dispatched(Duration sinceCreation) {
    dispatchLatency.record(sinceCreation);
  }

  void finished(String phase) {
    registry.counter("aifabric.jobs.finished", "phase", phase).increment();
  }

  void receiptRefused(String reason) {
    registry.counter("aifabric_receipts_total", "result", reason).increment();
  }

  void failover() {
    registry.counter("aifabric.failovers").increment();
  }
}
