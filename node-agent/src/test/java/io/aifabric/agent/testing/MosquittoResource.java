package io.aifabric.agent.testing;

import io.aifabric.testbed.MosquittoBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Starts Mosquitto before the agent and points the agent (a simulated 8×H100 node) at it. */
public class MosquittoResource implements QuarkusTestResourceLifecycleManager {
  public static volatile MosquittoBroker broker;
  public static volatile Path keyFile;

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("aifabric-mqtt");
      broker = MosquittoBroker.start(dir.resolve("broker"));
      keyFile = dir.resolve("keys/node-keys.json");
      return Map.of(
          "aifabric.agent.broker.port", String.valueOf(broker.port()),
          "aifabric.agent.broker.host", "127.0.0.1",
          "aifabric.agent.node-name", "gpu-h100-00",
          "aifabric.agent.cluster", "member-a",
          "aifabric.agent.key-file", keyFile.toString(),
          "aifabric.agent.heartbeat-interval", "1s",
          "aifabric.agent.inventory.source", "declared",
          "aifabric.agent.inventory.model", "NVIDIA H100 80GB HBM3",
          "aifabric.agent.inventory.count", "8",
          "aifabric.agent.inventory.memory-mib", "81559");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void stop() {
    try {
      if (broker != null) {
        broker.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
