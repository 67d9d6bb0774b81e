package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.TestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Each oracle counts every registered node's availability per epoch from the heartbeats it took off
 * the broker itself, and the three oracles arrive at the same table — the same root — without
 * exchanging theirs: a node up for the whole epoch scores the top level, one silent for its first
 * half scores half, a node's heartbeats signed by another key count for nothing. (Epochs of 20
 * one-second slots here; an hour of 10-second slots by default.)
 */
@Order(20)
class AvailabilityCountE2E extends FederatedE2E {
  private static final long EPOCH_MILLIS = 20_000;
  private static final long SLOT_MILLIS = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SettlementNetwork network;
  private static final List<String> nodes = new ArrayList<>();

  @BeforeAll
  static void chainAndBridges(TestBed bed) throws Exception {
    network =
        SettlementNetwork.start(
            bed,
            federation,
            Map.of(),
            Map.of(
                "AIFABRIC_BRIDGE_REWARDS_EPOCH", "20s",
                "AIFABRIC_BRIDGE_REWARDS_HEARTBEAT_INTERVAL", "1s"));
  }

  @AfterAll
  static void stop() {
    nodes.forEach(n -> federation.bed.client("member-a").nodes().withName(n).delete());
    if (network != null) {
      network.close();
    }
  }

  @Test
  void threeOraclesCountTheSameEpochTableAndAHalfSilentNodeScoresHalf() throws Exception {
    try (SimulatedAgent up = registered("gpu-up");
        SimulatedAgent half = registered("gpu-half");
        SimulatedAgent forger = new SimulatedAgent(federation.broker)) {
      // An epoch whose every slot, and a slot 5 s before it, lies within the oracles' 30 s skew of
      // the next ~20 s: the current one in its first half, else the next. Its heartbeats can then
      // all be sent at once, each signed for its slot (oracles count by signed time, within skew).
      long now = System.currentTimeMillis();
      long epoch = now / EPOCH_MILLIS + (now % EPOCH_MILLIS < EPOCH_MILLIS / 2 ? 0 : 1);
      long start = epoch * EPOCH_MILLIS;
      int slots = (int) (EPOCH_MILLIS / SLOT_MILLIS);

      // First one heartbeat each from before the epoch, until every oracle has counted both: then
      // each knows the two nodes' registrations, and none drops the epoch's as from an unknown
      // node.
      List<Double> before = new ArrayList<>();
      for (BridgeProcess oracle : network.bridges) {
        before.add(counted(oracle));
      }
      // (Sent again until then: one an oracle drops before it knows the node is not counted;
      // once counted, the same slot again counts nothing.)
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                up.publish(up.heartbeatAt(start - 5_000));
                half.publish(half.heartbeatAt(start - 5_000));
                for (int i = 0; i < network.bridges.size(); i++) {
                  if (counted(network.bridges.get(i)) < before.get(i) + 2) {
                    return false;
                  }
                }
                return true;
              });

      // Under the half-silent node's topic, for its first half, heartbeats signed by another key.
      for (int slot = 0; slot < slots / 2; slot++) {
        Heartbeat forged =
            new Heartbeat(
                half.address(),
                1_000 + slot,
                start + slot * SLOT_MILLIS + 100,
                "GPU-0,1,1,1",
                "0.1.0");
        half.publishRaw(
            Topics.heartbeat(half.address()),
            HeartbeatCodec.encode(new Heartbeat.Signed(forged, forger.key.sign(forged.digest()))));
      }
      for (int slot = 0; slot < slots; slot++) {
        long at = start + slot * SLOT_MILLIS + 100;
        up.publish(up.heartbeatAt(at));
        up.publish(up.heartbeatAt(at + 300)); // a second one in the same slot counts nothing
        if (slot >= slots / 2) {
          half.publish(half.heartbeatAt(at));
        }
      }

      List<JsonNode> tables = new ArrayList<>();
      for (BridgeProcess oracle : network.bridges) {
        tables.add(
            await()
                .atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .until(() -> JSON.readTree(oracle.get("/rewards/epochs/" + epoch)), t -> true));
      }
      String upAddress = up.address().toString().toLowerCase(Locale.ROOT);
      String halfAddress = half.address().toString().toLowerCase(Locale.ROOT);
      for (JsonNode table : tables) {
        assertThat(table.get("root").asText()).isEqualTo(tables.get(0).get("root").asText());
        assertThat(table.get("scores").get(upAddress).asLong()).isEqualTo(16);
        assertThat(table.get("scores").get(halfAddress).asLong()).isEqualTo(8);
      }
    }
  }

  private static double counted(BridgeProcess oracle) throws Exception {
    return PrometheusText.sample(
        oracle.metrics(), "aifabric_bridge_heartbeats_total{result=\"counted\"}");
  }

  /** An agent whose key a fresh GPU node of member-a registers. */
  private static SimulatedAgent registered(String prefix) throws Exception {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    nodes.add(name);
    SimulatedAgent agent = new SimulatedAgent(federation.broker);
    FederationE2E.createRegisteredNode(
        federation.bed.client("member-a"), name, agent.registration("member-a", name));
    String address = agent.address().toString().toLowerCase(Locale.ROOT);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                federation
                    .host
                    .resources(io.aifabric.api.v1alpha1.computenode.ComputeNode.class)
                    .withName("member-a." + name)
                    .get(),
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getIdentity() != null
                    && address.equalsIgnoreCase(c.getStatus().getIdentity().getAddress()));
    return agent;
  }
}
