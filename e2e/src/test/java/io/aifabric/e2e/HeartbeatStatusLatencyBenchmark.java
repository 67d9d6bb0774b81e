package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test (it asserts only that every node became Available, never a time):
 * heartbeat → ComputeNode status with 1,000 agents against one operator at the operator's default
 * settings (heartbeat every 10 s, member probe every 10 s, availability written at most every 15 s
 * per node), watched on the host as a user would:
 *
 * <ul>
 *   <li>first heartbeat of a node → its ComputeNode shows Available=True;
 *   <li>steady state: how old the last heartbeat in status is when a status update arrives;
 *   <li>the host writes per second that availability costs.
 * </ul>
 *
 * Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipITs &amp;&amp; ./mvnw -B verify -pl e2e -Dit.test=HeartbeatStatusLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/heartbeat-status-latency.txt.
 */
@ExtendWith(TestBedExtension.class)
class HeartbeatStatusLatencyBenchmark {
  static final Duration STEADY = Duration.ofMinutes(3);

  @Test
  void heartbeatToStatus(TestBed bed) throws Exception {
    try (Federation federation =
            Federation.start(
                bed,
                Map.of(
                    "AIFABRIC_PROOF_HEARTBEAT_INTERVAL", "10s",
                    "AIFABRIC_PROOF_STATUS_INTERVAL", "15s",
                    "AIFABRIC_MEMBER_PROBE_INTERVAL", "10s",
                    "AIFABRIC_MEMBER_REQUEST_TIMEOUT", "5s",
                    "AIFABRIC_MEMBER_GRACE_PERIOD", "30s"));
        AgentFleet fleet =
            AgentFleet.start(bed, ManyAgentsE2E.MEMBER, ManyAgentsE2E.AGENTS, federation.broker)) {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(5))
          .until(
              () ->
                  ManyAgentsE2E.withCondition(federation, fleet, "Registered", "True").size()
                      == fleet.size());

      Map<String, Long> availableAt = new ConcurrentHashMap<>();
      List<Long> heartbeatAgeMillis = Collections.synchronizedList(new ArrayList<>());
      AtomicLong updates = new AtomicLong();
      Map<String, String> lastSeenHeartbeat = new ConcurrentHashMap<>();
      try (Watch watch =
          federation
              .host
              .resources(ComputeNode.class)
              .withLabel("aifabric.io/cluster", ManyAgentsE2E.MEMBER)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, ComputeNode cn) {
                      long now = System.currentTimeMillis();
                      if (cn.getStatus() == null
                          || !cn.getSpec().getNodeName().startsWith("fleet-")) {
                        return;
                      }
                      updates.incrementAndGet();
                      String name = cn.getSpec().getNodeName();
                      boolean available =
                          cn.getStatus().getConditions().stream()
                              .anyMatch(
                                  c ->
                                      "Available".equals(c.getType())
                                          && "True".equals(c.getStatus())
                                          && "HeartbeatFresh".equals(c.getReason()));
                      if (available) {
                        availableAt.putIfAbsent(name, now);
                      }
                      var availability = cn.getStatus().getAvailability();
                      if (availability != null && availability.getLastHeartbeat() != null) {
                        String last = availability.getLastHeartbeat();
                        if (!last.equals(lastSeenHeartbeat.put(name, last))) {
                          heartbeatAgeMillis.add(now - Instant.parse(last).toEpochMilli());
                        }
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        long start = System.currentTimeMillis();
        fleet.beatEvery(Duration.ofSeconds(10));
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> availableAt.size() == fleet.size());
        double allAvailable = (System.currentTimeMillis() - start) / 1e3;
        List<Double> toAvailable = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
          toAvailable.add((availableAt.get(fleet.nodes().get(i)) - fleet.firstBeatMillis(i)) / 1e3);
        }
        // Steady state, from a clean slate.
        heartbeatAgeMillis.clear();
        updates.set(0);
        long steadyStart = System.nanoTime();
        Thread.sleep(STEADY.toMillis());
        double steadySeconds = (System.nanoTime() - steadyStart) / 1e9;
        List<Double> ages;
        synchronized (heartbeatAgeMillis) {
          ages = heartbeatAgeMillis.stream().map(ms -> ms / 1e3).sorted().toList();
        }
        long writes = updates.get();
        toAvailable.sort(null);
        assertThat(toAvailable).hasSize(fleet.size());

        StringBuilder report = new StringBuilder();
        report.append(
            String.format(
                "heartbeat → status, %d agents, heartbeat 10 s, probe 10 s, status interval 15 s%n",
                fleet.size()));
        report.append(
            String.format(
                "  first heartbeat → Available=True: p50 %.1f s, p99 %.1f s, max %.1f s (all %d"
                    + " within %.0f s of the first heartbeats)%n",
                DispatchLatencyBenchmark.pct(toAvailable, 0.50),
                DispatchLatencyBenchmark.pct(toAvailable, 0.99),
                toAvailable.get(toAvailable.size() - 1),
                fleet.size(),
                allAvailable));
        report.append(
            String.format(
                "  steady state, age of status.availability.lastHeartbeat when written: p50 %.1f"
                    + " s, p99 %.1f s, max %.1f s (%d updates)%n",
                DispatchLatencyBenchmark.pct(ages, 0.50),
                DispatchLatencyBenchmark.pct(ages, 0.99),
                ages.isEmpty() ? 0 : ages.get(ages.size() - 1),
                ages.size()));
        report.append(
            String.format(
                "  host writes for availability: %.1f ComputeNode updates/s (%.1f per node per"
                    + " minute); heartbeats sent %d, failed %d%n",
                writes / steadySeconds,
                writes / steadySeconds * 60 / fleet.size(),
                fleet.heartbeatsSent(),
                fleet.heartbeatsFailed()));
        federation
            .operator
            .metrics()
            .lines()
            .filter(l -> l.startsWith("aifabric_member_probe_seconds"))
            .forEach(l -> report.append("  ").append(l).append('\n'));
        System.out.print(report);
        Path out = Path.of("target/bench/heartbeat-status-latency.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
      }
    }
  }
}
