package io.aifabric.escrow.bridge;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The escrow bridge's settings ({@code AIFABRIC_BRIDGE_*}). One bridge is an oracle when it has an
 * oracle key, a relayer when it has a relayer key, or both; keys come from files (Kubernetes
 * Secrets mounted read-only) and are never logged.
 */
@ConfigMapping(prefix = "aifabric.bridge")
public interface BridgeConfig {
  /** The chain's JSON-RPC endpoint. */
  String rpcUrl();

  /**
   * The chain id this bridge signs for. The bridge refuses to start when the endpoint serves
   * another chain: its signatures and transactions must never be valid anywhere else.
   */
  long chainId();

  /** The JobEscrow contract's address. */
  String escrow();

  /** The NodeRegistry contract's address. Absent: this bridge neither signs nor submits slashes. */
  Optional<String> registry();

  /**
   * The network's id, part of every AIJob's deposit key: the same value as the host operator's
   * {@code aifabric.network-id}, or no deposit is found for any job.
   */
  @WithDefault("aifabric")
  String networkId();

  /**
   * The most memory receipts may take while their job or node is not known (yet), in bytes: anyone
   * can sign receipts with fresh keys, and these are what they can make the bridge hold.
   */
  @WithDefault("16777216")
  long receiptIntakeBytes();

  /** Where the SettlementBatches live on the host cluster. */
  @WithDefault("aifabric-system")
  String namespace();

  /** How long a JSON-RPC call may take before it counts as failed (and is tried again later). */
  @WithDefault("10s")
  Duration rpcTimeout();

  Oracle oracle();

  Relayer relayer();

  Slashing slashing();

  Rewards rewards();

  /** Proof-of-Availability as each oracle counts it, for the epochs' availability rewards. */
  interface Rewards {
    /** The agents' heartbeat interval: one heartbeat counts per interval slot. */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** A reward epoch's length: a whole number of heartbeat intervals. */
    @WithDefault("1h")
    Duration epoch();

    /** How far a heartbeat's signed time may lie from when this oracle heard it. */
    @WithDefault("30s")
    Duration maxSkew();

    /**
     * The AvailabilityRewards contract's address. Absent: this bridge counts availability but
     * neither signs nor posts epochs.
     */
    Optional<String> contract();

    /**
     * What each epoch shares out among its nodes, in wei. Every oracle signs only this amount, so
     * set it alike on all of them; the relayer asks for it, the contract pays it from its pool.
     */
    @WithDefault("1000000000000000000")
    java.math.BigInteger rewardWei();

    /**
     * Where this oracle journals its counts so that a restart keeps them (the chart mounts a volume
     * here). Absent: counts live in memory, and an oracle restarted mid-epoch signs that epoch on
     * what it counted since (a minority root the others outvote).
     */
    Optional<Path> stateDir();
  }

  /** Slashing a provider for a finding against one of its nodes. */
  interface Slashing {
    /**
     * What one finding costs the provider, in wei (0.1 ether unless set). An oracle signs a slash
     * for exactly this amount and refuses any other, so a relayer cannot ask for more: every oracle
     * of the network must be set alike.
     */
    @WithDefault("100000000000000000")
    java.math.BigInteger amount();
  }

  /** The oracle role: audits each job of a batch on its own and signs, or refuses. */
  interface Oracle {
    /** File with the oracle's secp256k1 private key (hex); absent: this bridge does not attest. */
    Optional<Path> keyFile();

    /**
     * The longest a signature may stay valid: a batch whose deadline lies further ahead is refused,
     * so that a leaked signature does not stay usable for long.
     */
    @WithDefault("2h")
    Duration maxSignatureLifetime();
  }

  /** The relayer role: builds batches, collects signatures, submits and confirms. */
  interface Relayer {
    /** File with the key that pays for settlement transactions; absent: not a relayer. */
    Optional<Path> keyFile();

    /** How often ready jobs are gathered into a batch. */
    @WithDefault("30s")
    Duration batchInterval();

    /** Most jobs in one batch (1,000 fit one transaction at < 3,000 gas each). */
    @WithDefault("1000")
    int maxJobs();

    /** A batch's deadline: this long after it is built. */
    @WithDefault("1h")
    Duration signatureLifetime();

    /**
     * How long jobs that cost a batch its quorum (refused under a quorum of oracles' signatures)
     * stay out of later batches before they are audited again: long enough not to sink the next
     * batches with them, short enough that a job whose receipt or deposit came late gets paid.
     */
    @WithDefault("1h")
    Duration refusalHold();

    /** Blocks on top of the settling block before jobs are marked settled. */
    @WithDefault("3")
    int confirmations();

    /** A transaction not mined after this long is replaced with a higher fee. */
    @WithDefault("60s")
    Duration stuckAfter();

    /** Fee increase of a replacement, in percent (nodes demand at least 10). */
    @WithDefault("25")
    int feeBumpPercent();

    /** The highest fee cap the relayer ever offers, in gwei. */
    @WithDefault("500")
    long maxFeeGwei();

    /**
     * For crash tests only: the relayer halts the JVM at this point of a submission ({@code
     * after-record}, {@code after-broadcast}), as a SIGKILL would.
     */
    Optional<String> failpoint();
  }
}
