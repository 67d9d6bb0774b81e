package io.aifabric.e2e;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.TestBed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real node agent, packaged, started for a KWOK node of a federation's member with what the
 * member chart gives it (its ServiceAccount bound to its pod there, the broker's CA) and a declared
 * inventory matching the node's listing.
 */
final class NodeAgents {
  private NodeAgents() {}

  /** The agent's settings for the node; its key file and TLS directory are new and empty. */
  static Map<String, String> settings(Federation federation, String cluster, String node)
      throws IOException {
    ComputeNode listed =
        federation.host.resources(ComputeNode.class).withName(cluster + "." + node).get();
    Map<String, String> settings = new HashMap<>();
    settings.put("AIFABRIC_AGENT_NODE_NAME", node);
    settings.put("AIFABRIC_AGENT_CLUSTER", cluster);
    settings.put(
        "AIFABRIC_AGENT_KEY_FILE",
        Files.createTempDirectory("agent-keys").resolve("node-keys.json").toString());
    settings.put("AIFABRIC_AGENT_BROKER_HOST", "127.0.0.1");
    settings.put("AIFABRIC_AGENT_BROKER_PORT", String.valueOf(federation.broker.port()));
    // No certificate yet: the agent's broker key goes here, and the certificate the operator
    // issues once the registration is recorded (read from the Node's annotation).
    settings.put(
        "AIFABRIC_AGENT_BROKER_TLS_DIR", Files.createTempDirectory("agent-broker-tls").toString());
    settings.put(
        "AIFABRIC_AGENT_BROKER_TLS_CA", federation.broker.pki().caCertificate().toString());
    settings.put("AIFABRIC_AGENT_HEARTBEAT_INTERVAL", "1s");
    settings.put("AIFABRIC_AGENT_INVENTORY_SOURCE", "declared");
    // The KWOK node's listing, as nvidia-smi would name the model.
    settings.put(
        "AIFABRIC_AGENT_INVENTORY_MODEL",
        listed.getStatus().getGpu().getProduct().replace('-', ' '));
    settings.put(
        "AIFABRIC_AGENT_INVENTORY_COUNT", String.valueOf(listed.getStatus().getGpu().getCount()));
    settings.put(
        "AIFABRIC_AGENT_INVENTORY_MEMORY_MIB",
        String.valueOf(listed.getStatus().getGpu().getMemoryMiB()));
    return settings;
  }

  /** The agent's credentials: the member chart installed, a token bound to its pod there. */
  static Path credentials(TestBed bed, Federation federation, String cluster, String node) {
    return new MemberChart(bed, cluster)
        .installFor(
            node, "127.0.0.1", federation.broker.port(), federation.broker.pki().caCertificate())
        .agentKubeconfig(node);
  }

  /** Starts the agent for the node with the settings above. */
  static AgentProcess start(TestBed bed, Federation federation, String cluster, String node)
      throws IOException {
    return start(bed, federation, cluster, node, Map.of());
  }

  /** Starts the agent for the node with the settings above and {@code more}. */
  static AgentProcess start(
      TestBed bed, Federation federation, String cluster, String node, Map<String, String> more)
      throws IOException {
    Map<String, String> settings = settings(federation, cluster, node);
    settings.putAll(more);
    return AgentProcess.start(
        credentials(bed, federation, cluster, node), bed.dir().resolve("agents"), settings);
  }
}
