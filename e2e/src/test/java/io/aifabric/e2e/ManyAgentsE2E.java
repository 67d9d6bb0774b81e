package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One operator, 1,000 node agents: a member with 1,000 more GPU nodes, each with its agent's
 * registration and its own MQTT connection sending signed heartbeats every 5 s. Every node becomes
 * Registered and Available, none of the honest heartbeats is refused (not even as stale, which is
 * what an operator that falls behind would do), and the agents that fall silent, and only they,
 * lose Available.
 */
@ExtendWith(TestBedExtension.class)
@Order(14)
class ManyAgentsE2E {
  static final int AGENTS = 1_000;
  static final String MEMBER = "member-b";
  private static final Pattern HEARTBEATS =
      Pattern.compile("aifabric_heartbeats_total\\{result=\"([a-z_]+)\",?\\} ([0-9.E]+)");

  @Test
  void oneOperatorKeepsUpWithAThousandAgents(TestBed bed) throws Exception {
    Phases phases = new Phases();
    try (Federation federation =
            Federation.start(
                bed,
                Map.of(
                    "AIFABRIC_PROOF_HEARTBEAT_INTERVAL", "5s",
                    "AIFABRIC_PROOF_STATUS_INTERVAL", "15s",
                    "AIFABRIC_MEMBER_PROBE_INTERVAL", "5s",
                    // The operator's defaults, not the other tests' fast ones: listing a
                    // thousand-node member on a loaded 2-core test bed can take seconds.
                    "AIFABRIC_MEMBER_REQUEST_TIMEOUT", "5s",
                    "AIFABRIC_MEMBER_GRACE_PERIOD", "30s"));
        AgentFleet fleet = AgentFleet.start(bed, MEMBER, AGENTS, federation.broker)) {
      phases.done("operator started, fleet created (nodes with registrations, connections)");
      // Heartbeats from a node the operator has not read the registration of yet are refused
      // (unknown_node), rightly: the fleet starts beating once every node is Registered.
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(withCondition(federation, fleet, "Registered", "True"))
                      .hasSize(AGENTS));
      phases.done("all registered");
      fleet.beatEvery(Duration.ofSeconds(5));

      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(withCondition(federation, fleet, "Available", "True"))
                      .hasSize(AGENTS));
      phases.done("all available");
      federation
          .operator
          .metrics()
          .lines()
          .filter(l -> l.startsWith("aifabric_member_probe_seconds"))
          .forEach(System.out::println);
      Map<String, Double> counted = heartbeatCounts(federation);
      assertThat(counted.get("accepted")).isGreaterThanOrEqualTo(AGENTS);
      assertThat(
              counted.entrySet().stream()
                  .filter(e -> !e.getKey().equals("accepted") && e.getValue() > 0)
                  .toList())
          .as("honest heartbeats refused")
          .isEmpty();
      assertThat(fleet.heartbeatsFailed()).isZero();

      // A tenth of the fleet falls silent: those nodes, and only those, lose Available.
      List<Integer> silent = IntStream.range(0, AGENTS / 10).boxed().toList();
      Set<String> silentNodes =
          silent.stream().map(i -> MEMBER + "." + fleet.nodes().get(i)).collect(Collectors.toSet());
      fleet.silence(silent);
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(withCondition(federation, fleet, "Available", "False"))
                      .isEqualTo(silentNodes));
      phases.done("silent ones not available");
      assertThat(withCondition(federation, fleet, "Available", "True"))
          .hasSize(AGENTS - silent.size());
      fleet.close();
      phases.done("fleet deleted");
      // The nodes gone from the member, their ComputeNodes go too.
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(fleetComputeNodes(federation)).isEmpty());
      phases.done("ComputeNodes gone");
    }
  }

  /** Names of the fleet's ComputeNodes whose condition has that status. */
  static Set<String> withCondition(
      Federation federation, AgentFleet fleet, String type, String status) {
    return fleetComputeNodes(federation).stream()
        .filter(
            cn ->
                cn.getStatus() != null
                    && cn.getStatus().getConditions().stream()
                        .anyMatch(c -> type.equals(c.getType()) && status.equals(c.getStatus())))
        .map(cn -> cn.getMetadata().getName())
        .collect(Collectors.toSet());
  }

  static List<ComputeNode> fleetComputeNodes(Federation federation) {
    return federation
        .host
        .resources(ComputeNode.class)
        .withLabel("aifabric.io/cluster", MEMBER)
        .list()
        .getItems()
        .stream()
        .filter(cn -> cn.getSpec().getNodeName().startsWith("fleet-"))
        .toList();
  }

  /** aifabric_heartbeats_total by result, from the operator's metrics. */
  static Map<String, Double> heartbeatCounts(Federation federation) throws Exception {
    Matcher m = HEARTBEATS.matcher(federation.operator.metrics());
    Map<String, Double> counts = new java.util.HashMap<>();
    while (m.find()) {
      counts.put(m.group(1), Double.parseDouble(m.group(2)));
    }
    return counts;
  }

  /** Prints how long each phase took: the figures a reader of the test report wants. */
  static final class Phases {
    private long last = System.nanoTime();

    void done(String phase) {
      long now = System.nanoTime();
      System.out.printf("%s: %.1f s%n", phase, (now - last) / 1e9);
      last = now;
    }
  }
}
