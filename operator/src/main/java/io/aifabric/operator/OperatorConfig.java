package io.aifabric.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/** The operator's settings (application.properties, or AIFABRIC_* environment variables). */
@ConfigMapping(prefix = "aifabric")
public interface OperatorConfig {

  Member member();

  Dispatch dispatch();

  Broker broker();

  Proof proof();

  /**
   * The network's id, part of every AIJob's deposit key (DepositKey): the bridges must use the same
   * ({@code aifabric.bridge.network-id}).
   */
  @WithDefault("aifabric")
  String networkId();

  Chain chain();

  Placement placement();

  Sealing sealing();

  LeaderElection leaderElection();

  /**
   * This instance's name: its identity in the leader election and the suffix of its MQTT client ids
   * (two replicas with one client id would disconnect each other at the broker). In a pod, the
   * pod's name.
   */
  @WithDefault("${HOSTNAME:aifabric-operator}")
  String instanceName();

  /**
   * One active operator among replicas: the one that holds a Lease reconciles; the others keep
   * their caches and the broker's messages warm and take over when the Lease is not renewed. Off
   * for a single operator run as a jar; the control-plane chart turns it on with two replicas.
   */
  interface LeaderElection {
    @WithDefault("false")
    boolean enabled();

    @WithDefault("aifabric-operator")
    String leaseName();

    /** The Lease's namespace: the operator's own (the chart sets it); required when enabled. */
    Optional<String> namespace();

    /** How long a Lease not renewed is still the leader's: the longest a takeover waits. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** How long the leader keeps trying to renew before it stops (and exits, to start clean). */
    @WithDefault("10s")
    Duration renewDeadline();

    @WithDefault("2s")
    Duration retryPeriod();
  }

  /**
   * How jobs with spec.encryption seal their outputs: a sidecar in each pod seals the output
   * directory to the user's key once the job's container ends, and uploads it to the member's
   * object store.
   */
  interface Sealing {
    /** The sealing sidecar's image (the output-sealer module's). */
    @WithDefault("ghcr.io/aifabric/output-sealer:0.1.0")
    String image();

    /**
     * How long the sidecar has to seal and upload once the job's container has ended: the pods'
     * termination grace period, and how long past the run's deadline the upload URLs stay valid.
     */
    @WithDefault("10m")
    Duration window();
  }

  interface Placement {
    /**
     * Place jobs on GPU nodes that are not Verified and Available as well: for networks that want
     * unverified capacity (and the test bed's KWOK members, whose nodes run no agent). Off: only
     * nodes whose agent's signed hardware report matched and whose signed heartbeats arrive count.
     */
    @WithDefault("false")
    boolean unverifiedNodes();
  }

  /**
   * For crash tests only: reaching the named point halts the JVM at once, as a SIGKILL would
   * ({@code after-member-job-created}: the member Job exists, the AIJob's status does not say so
   * yet). Unset in every real deployment.
   */
  Optional<String> failpoint();

  /**
   * Requests the operator keeps in flight to one API server (host or member). Fabric8's default (5)
   * serialises a burst of jobs behind a few slow calls; the JOSDK runs 50 reconcilers.
   */
  @WithDefault("64")
  int maxRequestsPerServer();

  /**
   * The chain the network's JobEscrow is on, read-only: the operator dispatches a job that pays
   * from escrow only once its deposit covers it. Unset: such jobs wait ({@code Funded=False}).
   */
  interface Chain {
    /** The chain's JSON-RPC endpoint. */
    Optional<String> rpcUrl();

    /** The JobEscrow contract's address. */
    Optional<String> escrow();

    /**
     * The NodeRegistry contract's address: providers' stake, flags and probation set each node's
     * tier. Unset: tiers are not known, every node is tier 0 (jobs asking minTier wait).
     */
    Optional<String> registry();

    /**
     * The AvailabilityRewards contract's address (read with the registry's events, so it needs a
     * registry): each ComputeNode then shows its score and share of the latest posted epochs and
     * whether they were paid.
     */
    Optional<String> rewards();

    /**
     * Oracle bridges' HTTP addresses: where a posted epoch's table (every node's score) is read
     * from; a table counts only when its root is the posted one. Unset: a node's score shows once
     * it claimed.
     */
    Optional<java.util.List<java.net.URI>> rewardsOracles();

    /** The first block to read the registry's events from (its deployment block). */
    @WithDefault("0")
    long registryFromBlock();

    /** How often to look for new blocks with registry events. */
    @WithDefault("5s")
    Duration registryPoll();

    /** How long one JSON-RPC call may take. */
    @WithDefault("10s")
    Duration rpcTimeout();

    /**
     * What a deposit's deadline must leave after the job's longest run and the receipt wait: time
     * for the oracles to sign and the relayer to settle before the payer may take the deposit back.
     */
    @WithDefault("1h")
    Duration settlementWindow();
  }

  interface Member {
    /** How often each member cluster is probed and its inventory refreshed. */
    @WithDefault("10s")
    Duration probeInterval();

    /**
     * How long a member may stop answering before it is marked not Ready, its ComputeNodes not
     * Available, and its unfinished jobs are placed elsewhere.
     */
    @WithDefault("30s")
    Duration gracePeriod();

    /** Time limit of one request to a member's API server. */
    @WithDefault("5s")
    Duration requestTimeout();

    /**
     * Writes one probe sends at once (ComputeNode creates and status, member Node labels). One at a
     * time, a member with a thousand nodes took half a minute per probe to write their status.
     */
    @WithDefault("8")
    int writeConcurrency();

    /**
     * The one namespace members' kubeconfig Secrets live in, when the operator may read Secrets
     * there only (the control-plane chart grants get on Secrets in one namespace and sets this). A
     * MemberCluster that names a Secret elsewhere is refused with a condition saying where to put
     * it, before any read. Unset: any namespace, as far as the operator's RBAC allows.
     */
    Optional<String> secretsNamespace();

    /**
     * The ClusterRole a pull member's agent is bound to in its namespace on the host (the
     * control-plane chart creates it; the operator may bind it and no other).
     */
    @WithDefault("aifabric-member-agent")
    String pullAgentRole();

    /** The ClusterRole of a pull member's joiner: it may only mint the agent's token. */
    @WithDefault("aifabric-member-joiner")
    String pullJoinerRole();
  }

  interface Dispatch {
    /**
     * The scheduler that dispatched pods name: the member chart's aifabric-scheduler, whose
     * extender places GPU pods only on verified, available nodes and never double-allocates a GPU.
     * Naming the members' default scheduler bypasses all of that; it is an opt-in for members
     * without the chart's scheduler (the test bed's KWOK members).
     */
    @WithDefault("aifabric-scheduler")
    String schedulerName();

    /** How often a Pending job is tried again (capacity may have appeared). */
    @WithDefault("10s")
    Duration pendingRetry();

    /** How often the member's view of a placed job is mirrored into its status. */
    @WithDefault("5s")
    Duration statusInterval();
  }

  /** The network's MQTT broker, where node agents publish heartbeats and receipts. */
  interface Broker {
    @WithDefault("localhost")
    String host();

    @WithDefault("8883")
    int port();

    /**
     * The network broker's authority, with which the operator issues each registered node its
     * broker certificate (BrokerCertificates). Both unset: no certificate is issued.
     */
    Authority authority();

    /**
     * The operator's own TLS identity at the broker (read by the MQTT connector, see
     * application.properties): a client certificate with CN {@code aifabric-operator}.
     */
    Tls tls();

    interface Tls {
      /** TLS to the broker; off only for a broker of one's own that takes plain MQTT. */
      @WithDefault("true")
      boolean enabled();

      /** The operator's client certificate (PEM). */
      Optional<String> certificate();

      /** Its private key (PEM). */
      Optional<String> key();

      /** The broker authority's CA certificate (PEM) the broker is trusted by. */
      Optional<String> ca();
    }

    /** How long a node's broker certificate is valid; it is renewed with a third of it left. */
    @WithDefault("30d")
    Duration certificateValidity();

    interface Authority {
      /** The authority's CA certificate (PEM). */
      Optional<java.nio.file.Path> certificate();

      /** The authority's private key (PEM, PKCS#8). */
      Optional<java.nio.file.Path> key();
    }
  }

  /** How node agents' proofs are judged and recorded. */
  interface Proof {
    /** The agents' heartbeat interval: a node that missed three is not Available. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** How old a heartbeat may be when it arrives. */
    @WithDefault("60s")
    Duration maxAge();

    /** How far ahead of the operator's clock a node's clock may be. */
    @WithDefault("10s")
    Duration maxSkew();

    /** How often availability is written to ComputeNode status (never once per heartbeat). */
    @WithDefault("15s")
    Duration statusInterval();

    /**
     * How long after a job ends its receipts are waited for; then it stays Receipted=False
     * (ReceiptsMissing) and is not looked at again.
     */
    @WithDefault("1h")
    Duration receiptWait();

    /**
     * How often a finished, receipted job that pays from escrow is looked at until the escrow
     * bridge has written its settlement (a status-only change, which does not wake the reconciler
     * by itself).
     */
    @WithDefault("10s")
    Duration settlementPoll();

    /** Length of an availability epoch; its uptime ratio becomes the 0–255 score. */
    @WithDefault("1h")
    Duration epoch();
  }
}
