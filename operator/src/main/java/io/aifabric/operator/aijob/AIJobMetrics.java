package io.aifabric.operator.aijob;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** The AIJob controller's Prometheus metrics (aifabric_*). */
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
