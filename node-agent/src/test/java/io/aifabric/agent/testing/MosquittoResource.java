package io.aifabric.agent.testing;

import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.agent.mqtt.BrokerCredentials;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

/**
 * Starts Mosquitto (TLS, client certificates, the network's ACL) before the agent and points the
 * agent (a simulated 8×H100 node) at it. With no cluster here to carry the certificate the operator
 * would issue, the node's keys are made first and its broker certificate is put in the agent's TLS
 * directory as BrokerCredentials would after reading it from the Node.
 */
public class MosquittoResource implements QuarkusTestResourceLifecycleManager {
  public static volatile MosquittoBroker broker;
  public static volatile Path keyFile;

  @Override
  public Map<String, String> start() {
    try {
      Path dir = Files.createTempDirectory("aifabric-mqtt");
      broker = MosquittoBroker.start(dir.resolve("broker"));
      keyFile = dir.resolve("keys/node-keys.json");
      NodeKeyring node = NodeKeyring.loadOrCreate(keyFile, new SecureRandom());
      Path tls = dir.resolve("broker-tls");
      TestPki.ClientTls issued =
          broker.pki().client(BrokerIdentities.node(node.address()), node.brokerKey());
      Files.createDirectories(tls);
      Files.copy(issued.certificate(), tls.resolve(BrokerCredentials.CERTIFICATE_FILE));
      Map<String, String> config = new java.util.HashMap<>();
      config.put("aifabric.agent.broker.port", String.valueOf(broker.port()));
      config.put("aifabric.agent.broker.host", "127.0.0.1");
      config.put("aifabric.agent.node-name", "gpu-h100-00");
      config.put("aifabric.agent.cluster", "member-a");
      config.put("aifabric.agent.key-file", keyFile.toString());
      config.put("aifabric.agent.heartbeat-interval", "1s");
      config.put("aifabric.agent.inventory.source", "declared");
      config.put("aifabric.agent.inventory.model", "NVIDIA H100 80GB HBM3");
      config.put("aifabric.agent.inventory.count", "8");
      config.put("aifabric.agent.inventory.memory-mib", "81559");
      config.put("aifabric.agent.kubernetes", "false");
      config.put("aifabric.agent.broker.tls.dir", tls.toString());
      config.put("aifabric.agent.broker.tls.ca", broker.pki().caCertificate().toString());
      return config;
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
