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

  /**
   * Where the node is registered on chain: with all three set, the agent signs its NodeRegistry
   * registration to the provider and puts it on its Node for the provider to submit.
   */
  Chain chain();

  interface Chain {
    /** The chain's id (EIP-155). */
    Optional<Long> id();

    /** The NodeRegistry contract's address. */
    Optional<String> registry();

    /** The provider's wallet the node agrees to serve. */
    Optional<String> provider();

    /**
     * The registration nonce to sign: the registry's count of this node's registrations (0 for a
     * node never registered; one more after each registration).
     */
    @WithDefault("0")
    long registrationNonce();
  }

  interface Broker {
    @WithDefault("localhost")
    String host();

    @WithDefault("8883")
    int port();

    Tls tls();

    /**
     * The agent's TLS identity at the broker: its broker key (from the key file) and the
     * certificate the host issued for it (from its Node's {@code aifabric.io/broker-certificate}
     * annotation), kept as PEM files in {@link #dir()} for the MQTT connector.
     */
    interface Tls {
      /** TLS to the broker; off only for a broker of one's own that takes plain MQTT. */
      @WithDefault("true")
      boolean enabled();

      /** Where broker.key and broker.crt are kept (the agent's state volume). */
      @WithDefault("/var/lib/aifabric/broker")
      Path dir();

      /**
       * The broker authority's CA certificate (PEM): what the broker, and a certificate, are
       * checked by.
       */
      @WithDefault("/etc/aifabric/broker/ca.crt")
      Path ca();
    }
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
