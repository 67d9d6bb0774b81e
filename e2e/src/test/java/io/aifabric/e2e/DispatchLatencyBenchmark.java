package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test (it asserts only that every job arrived, never a time): AIJob
 * applied on the host → its Job created in a member, measured from just before each create to the
 * member's watch event for its Job; 200 AIJobs at a steady 10 and 20 per second (how a network
 * receives work), then 200 at once (a stress case: on a small machine the test bed's API servers
 * and the operator share the CPU). Run it alone:
 *
 * <pre>
 * ./mvnw -B verify -pl e2e -am -Dit.test=DispatchLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/dispatch-latency.txt.
 */
@ExtendWith(TestBedExtension.class)
class DispatchLatencyBenchmark {
  static final int JOBS = 200;

  @Test
  void appliedToCreatedInMember(TestBed bed) throws Exception {
    // The operator's default status interval, not the tests' 1 s.
    try (Federation federation =
        Federation.start(bed, Map.of("AIFABRIC_DISPATCH_STATUS_INTERVAL", "5s"))) {
      String ns = bed.createNamespace(TestBed.HOST, "bench");
      StringBuilder report = new StringBuilder();
      // A fresh JVM runs interpreted code at first: warm it up, report it apart.
      report.append(run(bed, federation, ns, "warm-up", 100, 0));
      for (int rate : new int[] {10, 20}) {
        await().atMost(Duration.ofMinutes(2)).until(() -> allFinished(federation, ns));
        report.append(run(bed, federation, ns, "steady-" + rate, JOBS, rate));
      }
      await().atMost(Duration.ofMinutes(2)).until(() -> allFinished(federation, ns));
      report.append(run(bed, federation, ns, "burst", JOBS, 0));
      System.out.print(report);
      Path out = Path.of("target/bench/dispatch-latency.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report.toString());
    }
  }

  private static boolean allFinished(Federation federation, String ns) {
    return federation.host.resources(AIJob.class).inNamespace(ns).list().getItems().stream()
        .allMatch(
            j ->
                j.getStatus() != null
                    && j.getStatus().getPhase()
                        == io.aifabric.api.v1alpha1.aijob.JobPhase.Succeeded);
  }

  /**
   * Applies {@code count} AIJobs, at {@code perSecond} (0: all at once from 8 threads), and reports
   * how long each took to appear in a member.
   */
  private static String run(
      TestBed bed, Federation federation, String ns, String label, int count, int perSecond)
      throws Exception {
    Map<String, Long> applied = new ConcurrentHashMap<>();
    MemberJobArrivals arrivals =
        MemberJobArrivals.watching(bed.members().stream().map(bed::client).toList());
    List<AIJob> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      jobs.add(Federation.exampleJob("20-aijob-inference.yaml", ns, label + "-" + i));
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < jobs.size(); i++) {
      AIJob job = jobs.get(i);
      if (perSecond > 0) {
        long due = start + i * 1_000_000_000L / perSecond;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      pool.submit(
          () -> {
            applied.put(job.getMetadata().getName(), System.nanoTime());
            federation.create(job);
          });
    }
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.MINUTES);
    long appliedIn = System.nanoTime() - start;
    await().atMost(Duration.ofMinutes(3)).until(() -> arrivals.arrived(applied.keySet()));
    long wall = System.nanoTime() - start;
    arrivals.close();
    List<Double> millis = new ArrayList<>();
    for (var e : applied.entrySet()) {
      millis.add((arrivals.at(e.getKey()) - e.getValue()) / 1e6);
    }
    millis.sort(Double::compare);
    assertThat(millis).hasSize(count);
    return String.format(
        "%s: AIJob applied -> Job created in member, %d jobs %s:%n"
            + "  p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms; all applied in %.1f s,"
            + " all dispatched in %.1f s (%.0f jobs/s)%n",
        label,
        count,
        perSecond > 0 ? "applied at " + perSecond + " per second" : "applied at once (8 threads)",
        pct(millis, 0.50),
        pct(millis, 0.90),
        pct(millis, 0.99),
        millis.get(millis.size() - 1),
        appliedIn / 1e9,
        wall / 1e9,
        count / (wall / 1e9));
  }

  static double pct(List<Double> sorted, double p) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1));
  }
}
