package io.aifabric.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** The node agent's settings (AIFABRIC_AGENT_* environment variables). */
@ConfigMapping(prefix = "aifabric.agent")
public interface AgentConfig {
  /** The Kubernetes node this agent runs on (the DaemonSet passes spec.nodeName). */
  String nodeName();

  /** The member cluster's name in the network. */
  @WithDefault("unknown")
  String cluster();

  /** Where the node's keys live; created on first start, readable by the agent's user only. */
  @WithDefault("/var/lib/aifabric/node-keys.json")
  Path keyFile();

  @WithDefault("0.1.0")
  String version();

  /** How often a signed heartbeat goes out. */
  @WithDefault("10s")
  Duration heartbeatInterval();

  /** How often the GPUs are measured again and the signed hardware report republished. */
  @WithDefault("6h")
  Duration hardwareInterval();

  /** The GPU probe of the agent's GPU image (real nodes). */
  @WithDefault("aifabric-gpu-probe")
  String gpuProbe();

  /**
   * Whether the agent talks to its cluster's API server: registers its keys on its Node and watches
   * the pods there for receipts. Off only where there is no cluster (some tests).
   */
  @WithDefault("true")
  boolean kubernetes();

  /** The network's MQTT broker. */
  Broker broker();

  interface Broker {
    @WithDefault("localhost")
    String host();

    @WithDefault("1883")
    int port();
  }

  Inventory inventory();

  interface Inventory {
    /** {@code nvidia-smi} on a GPU node, {@code declared} for a simulated one. */
    @WithDefault("nvidia-smi")
    String source();

    @WithDefault("nvidia-smi")
    String nvidiaSmi();

    /** Declared inventory: the GPU model as nvidia-smi names it, e.g. NVIDIA H100 80GB HBM3. */
    Optional<String> model();

    @WithDefault("0")
    int count();

    @WithDefault("0")
    int memoryMib();

    @WithDefault("550.54.15")
    String driverVersion();

    @WithDefault("12.4")
    String cudaVersion();

    /**
     * Declared inventory: the memory the simulated measurement finds per GPU, to play a node whose
     * hardware does not match its listing (unset: the declared memory less a CUDA context).
     */
    OptionalInt measuredMemoryMib();

    /** Declared inventory: the simulated benchmark score. */
    @WithDefault("1000")
    long benchmark();
  }
}
