package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.membercluster.GpuPrice;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.testbed.MemberAgentProcess;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test (it asserts only that every job arrived, never a time): pull
 * dispatch against push dispatch in the same run, on the same member cluster (member-b, once as the
 * push member, once behind a pull member's agent), with the control-plane chart's operator: AIJob
 * applied on the host → its Job created in member-b, 200 jobs at 10 per second each way; then the
 * host API server's load from one idle pull member (its agent and the operator's share), read from
 * the API server's own request counters. Run it alone:
 *
 * <pre>
 * ./mvnw -B verify -pl e2e -am -Dit.test=PullDispatchBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * ({@code -Dbench.jobs=N} for fewer jobs per mode.) Results: stdout and
 * e2e/target/bench/pull-dispatch.txt.
 */
@ExtendWith(TestBedExtension.class)
class PullDispatchBenchmark {
  static final int JOBS = Integer.getInteger("bench.jobs", 200);
  static final int RATE = 10;
  static final Duration IDLE = Duration.ofSeconds(60);
  static final String RTX = "NVIDIA-GeForce-RTX-4090";
  static final String PULL_REGION = "ap-southeast-1";
  static final String A100 = "NVIDIA-A100-SXM4-40GB";

  @Test
  void pullAgainstPush(TestBed bed) throws Exception {
    try (Federation federation =
        Federation.start(bed, Map.of("AIFABRIC_DISPATCH_STATUS_INTERVAL", "5s"))) {
      // The operator's default grace period: the agent renews at its default 10 s.
      OperatorProcess operator =
          PullMembers.chartOperator(
              bed, federation, "bench", Map.of("AIFABRIC_MEMBER_GRACE_PERIOD", "30s"));
      String name = PullMembers.cheapPullMember(federation);
      // Its A100s too, so both modes have member-b's 120 GPUs; in a region of its own, so a job
      // for it waits for it rather than go elsewhere.
      MemberCluster pull = federation.member(name);
      pull.getSpec().getPricing().add(new GpuPrice(A100, "0.05"));
      pull.getSpec().setRegion(PULL_REGION);
      federation.host.resource(pull).update();
      Map<String, String> settings = new HashMap<>(PullMembers.firstStart(bed, name));
      // The agent's default intervals: what a provider runs.
      settings.remove("AIFABRIC_MEMBER_AGENT_LEASE_INTERVAL");
      settings.remove("AIFABRIC_MEMBER_AGENT_REPORT_INTERVAL");
      try (operator;
          MemberAgentProcess agent =
              MemberAgentProcess.start(
                  PullMembers.agentKubeconfig(bed),
                  bed.dir().resolve("bench-agent/agent.log"),
                  settings)) {
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    Federation.condition(federation.member(name), "Ready")
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false));
        String ns = bed.createNamespace(TestBed.HOST, "bench");
        StringBuilder report = new StringBuilder();
        // Warm both paths up (a fresh JVM interprets at first), then measure each.
        run(bed, federation, ns, "warm-push", 50, "us-east-1");
        awaitFinished(federation, ns);
        run(bed, federation, ns, "warm-pull", 50, PULL_REGION);
        awaitFinished(federation, ns);
        report.append(run(bed, federation, ns, "push", JOBS, "us-east-1"));
        awaitFinished(federation, ns);
        report.append(run(bed, federation, ns, "pull", JOBS, PULL_REGION));
        awaitFinished(federation, ns);
        report.append(idleLoad(bed));
        System.out.print(report);
        Path out = Path.of("target/bench/pull-dispatch.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
      } finally {
        federation.host.resources(MemberCluster.class).withName(name).delete();
      }
    }
  }

  private static void awaitFinished(Federation federation, String ns) {
    await()
        .atMost(Duration.ofMinutes(3))
        .until(
            () ->
                federation.host.resources(AIJob.class).inNamespace(ns).list().getItems().stream()
                    .allMatch(
                        j ->
                            j.getStatus() != null
                                && j.getStatus().getPhase() == JobPhase.Succeeded));
  }

  /**
   * Applies {@code count} AIJobs at {@link #RATE} per second, limited to a region (us-east-1:
   * member-b as a push member; eu-west-1: the pull member in front of member-b), and reports how
   * long each took to appear in member-b.
   */
  private static String run(
      TestBed bed, Federation federation, String ns, String label, int count, String region)
      throws Exception {
    Map<String, Long> applied = new ConcurrentHashMap<>();
    MemberJobArrivals arrivals = MemberJobArrivals.watching(List.of(bed.client("member-b")));
    List<AIJob> jobs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, label + "-" + i);
      // member-b's RTX 4090s and A100s (120 GPUs), as a push member (us-east-1) or behind the
      // pull member (its own region); each job ends as soon as it runs, so GPUs free up at once.
      PullMembers.inEuWest(job, "0s").getSpec().getPlacement().setRegions(List.of(region));
      job.getSpec().getResources().setGpuModels(List.of(RTX, A100));
      jobs.add(job);
    }
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int i = 0; i < jobs.size(); i++) {
      AIJob job = jobs.get(i);
      long wait = start + i * 1_000_000_000L / RATE - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      pool.submit(
          () -> {
            applied.put(job.getMetadata().getName(), System.nanoTime());
            federation.create(job);
          });
    }
    pool.shutdown();
    pool.awaitTermination(2, TimeUnit.MINUTES);
    await().atMost(Duration.ofMinutes(3)).until(() -> arrivals.arrived(applied.keySet()));
    arrivals.close();
    List<Double> millis = new ArrayList<>();
    for (var e : applied.entrySet()) {
      millis.add((arrivals.at(e.getKey()) - e.getValue()) / 1e6);
    }
    millis.sort(Double::compare);
    assertThat(millis).hasSize(count);
    return String.format(
        "%s: AIJob applied -> Job created in member-b, %d jobs at %d per second:"
            + " p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        label,
        count,
        RATE,
        DispatchLatencyBenchmark.pct(millis, 0.50),
        DispatchLatencyBenchmark.pct(millis, 0.90),
        DispatchLatencyBenchmark.pct(millis, 0.99),
        millis.get(millis.size() - 1));
  }

  /**
   * Requests the host's API server served for the pull kinds over a minute with nothing to do, and
   * the watches open on them: from its own apiserver_request_total and
   * apiserver_longrunning_requests.
   */
  private static String idleLoad(TestBed bed) throws InterruptedException {
    var host = bed.client(TestBed.HOST);
    Map<String, Double> before = requests(host.raw("/metrics"));
    Thread.sleep(IDLE.toMillis());
    String metrics = host.raw("/metrics");
    Map<String, Double> after = requests(metrics);
    StringBuilder out =
        new StringBuilder(
            "idle pull member, host API requests per second over "
                + IDLE.toSeconds()
                + " s (verb resource: rate), and watches open:\n");
    for (String key : after.keySet()) {
      double rate = (after.get(key) - before.getOrDefault(key, 0.0)) / IDLE.toSeconds();
      if (rate > 0) {
        out.append(String.format("  %s: %.3f/s%n", key, rate));
      }
    }
    for (String line : metrics.split("\n")) {
      if (line.startsWith("apiserver_longrunning_requests{")
          && line.contains("verb=\"WATCH\"")
          && PULL_KINDS.stream().anyMatch(k -> line.contains("resource=\"" + k + "\""))) {
        out.append("  ").append(line).append('\n');
      }
    }
    return out.toString();
  }

  static final List<String> PULL_KINDS =
      List.of("leases", "nodereports", "memberworks", "serviceaccounts", "rolebindings");

  /**
   * apiserver_request_total summed by verb, resource and response code, for the kinds a pull member
   * touches.
   */
  static Map<String, Double> requests(String metrics) {
    Map<String, Double> sums = new TreeMap<>();
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("apiserver_request_total{")) {
        continue;
      }
      String resource = label(line, "resource");
      if (!PULL_KINDS.contains(resource)) {
        continue;
      }
      String key = label(line, "verb") + " " + resource + " " + label(line, "code");
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      sums.merge(key, value, Double::sum);
    }
    return sums;
  }

  private static String label(String line, String name) {
    int at = line.indexOf(name + "=\"");
    if (at < 0) {
      return "";
    }
    int from = at + name.length() + 2;
    return line.substring(from, line.indexOf('"', from));
  }
}
