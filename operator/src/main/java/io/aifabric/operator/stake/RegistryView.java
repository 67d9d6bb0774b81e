package io.aifabric.operator.stake;

import io.aifabric.api.v1alpha1.computenode.ChainSlash;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.chain.ChainRpc;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint128;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.abi.datatypes.generated.Uint8;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

/**
 * What NodeRegistry says of providers and their nodes, kept from its events rather than asked per
 * node: which node is registered to which provider (NodeRegistered / NodeDeregistered), and each
 * provider's stake, flags, last slash and tier, read again only when an event names the provider
 * (Staked, UnstakeRequested, Unstaked, Slashed, FlagsChanged) or its probation ends. So steady
 * state costs one {@code eth_blockNumber} per poll whatever the number of nodes, and the probe
 * reads tiers from memory.
 *
 * <p>Events are read up to the latest block, and the hash of the last block read is kept: when the
 * chain moves on and that block is no longer there with that hash (a reorg dropped or replaced it),
 * the whole view is read again from the registry's first block into a fresh copy, which then
 * replaces the old one at once — readers never see a half-read view, and a registration, stake
 * change or slash that the reorg undid is gone from it ({@code aifabric_registry_reorgs_total}).
 */
@ApplicationScoped
public class RegistryView {
  private static final Logger LOG = Logger.getLogger(RegistryView.class);
  private static final long MAX_LOG_RANGE = 10_000;

  static final String NODE_REGISTERED = topic("NodeRegistered(address,address)");
  static final String NODE_DEREGISTERED = topic("NodeDeregistered(address,address)");
  static final String SLASHED = topic("Slashed(address,address,bytes32,uint256,uint256)");
  static final Set<String> PROVIDER_EVENTS =
      Set.of(
          topic("Staked(address,uint256,uint256)"),
          topic("UnstakeRequested(address,uint256,uint64)"),
          topic("Unstaked(address,uint256)"),
          topic("Slashed(address,address,bytes32,uint256,uint256)"),
          topic("FlagsChanged(address,uint8)"));

  /** Epochs shown on each ComputeNode: the latest posted. */
  static final int SHOWN_EPOCHS = 4;

  private final ChainRpc rpc;
  private final String registry;
  private final String rewards;
  private final long fromBlock;
  private final long pollMillis;
  private final Clock clock;
  private final Counter calls;
  private final Counter reorgs;
  private volatile Ledger ledger;
  private volatile boolean synced;
  private volatile Long probationSeconds;
  private ScheduledExecutorService poller;

  public RegistryView(ChainRpc rpc, OperatorConfig config, Clock clock, MeterRegistry meters) {
    this.rpc = rpc;
    this.registry =
        rpc.configured() && config.chain().registry().isPresent()
            ? config.chain().registry().get().toLowerCase(Locale.ROOT)
            : null;
    this.rewards =
        registry != null && config.chain().rewards().isPresent()
            ? config.chain().rewards().get().toLowerCase(Locale.ROOT)
            : null;
    this.fromBlock = config.chain().registryFromBlock();
    this.ledger = new Ledger(fromBlock);
    this.pollMillis = config.chain().registryPoll().toMillis();
    this.clock = clock;
    this.calls =
        Counter.builder("aifabric_registry_rpc_calls")
            .description("JSON-RPC calls made to keep NodeRegistry's view current")
            .register(meters);
    this.reorgs =
        Counter.builder("aifabric_registry_reorgs")
            .description("Reorgs below the last block read, after which the view was read again")
            .register(meters);
  }

  /** What the events up to a block say; replaced whole after a reorg. */
  private static final class Ledger {
    final Map<String, String> providerOfNode = new ConcurrentHashMap<>();
    final Map<String, ProviderStake> providers = new ConcurrentHashMap<>();
    final Map<String, List<ChainSlash>> slashesByNode = new ConcurrentHashMap<>();
    final Set<String> probationsSeenEnded = ConcurrentHashMap.newKeySet();
    final RewardsLedger rewards = new RewardsLedger();
    long nextBlock;

    /** The hash of block {@code nextBlock - 1}, once a block was read. */
    String lastHash;

    Ledger(long fromBlock) {
      this.nextBlock = fromBlock;
    }
  }

  /** Whether a NodeRegistry is configured. */
  public boolean configured() {
    return registry != null;
  }

  /** True once the registry's events up to a recent block have been read. */
  public boolean synced() {
    return synced;
  }

  public String registry() {
    return registry;
  }

  /** Whether an AvailabilityRewards contract is read too. */
  public boolean rewardsConfigured() {
    return rewards != null;
  }

  /** The latest epochs posted to AvailabilityRewards, newest first. */
  public List<RewardsLedger.Posted> latestEpochs() {
    return ledger.rewards.latest(SHOWN_EPOCHS);
  }

  /** The node's claim of an epoch's reward, if it claimed. */
  public Optional<RewardsLedger.Claim> claimOf(String nodeAddress, long epoch) {
    return ledger.rewards.claim(nodeAddress.toLowerCase(Locale.ROOT), epoch);
  }

  /** The provider a node (its address) is registered to, with that provider's stake and tier. */
  public Optional<ProviderStake> stakeOf(String nodeAddress) {
    if (nodeAddress == null) {
      return Optional.empty();
    }
    Ledger now = ledger;
    String provider = now.providerOfNode.get(nodeAddress.toLowerCase(Locale.ROOT));
    return provider == null ? Optional.empty() : Optional.ofNullable(now.providers.get(provider));
  }

  void start(@Observes StartupEvent event) {
    if (!configured()) {
      return;
    }
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "registry-view");
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(this::pollSafely, 0, pollMillis, TimeUnit.MILLISECONDS);
    LOG.infof("reading NodeRegistry %s from block %d", registry, fromBlock);
  }

  void stop(@Observes ShutdownEvent event) {
    if (poller != null) {
      poller.shutdownNow();
    }
  }

  private void pollSafely() {
    try {
      poll();
    } catch (Exception e) {
      // The next poll tries again from the same block: nothing is skipped.
      LOG.warnf("NodeRegistry %s: %s", registry, e.getMessage());
    }
  }

  /**
   * Reads the events of the blocks since the last poll and refreshes the providers they name; after
   * a reorg below the last block read, reads everything again.
   */
  void poll() throws IOException {
    calls.increment();
    var head = rpc.web3j().ethBlockNumber().send();
    if (head.hasError()) {
      throw new IOException("eth_blockNumber: " + ChainRpc.errorOf(head));
    }
    long latest = head.getBlockNumber().longValueExact();
    Ledger current = ledger;
    if (current.lastHash != null
        && latest != current.nextBlock - 1
        && !current.lastHash.equals(hashOf(current.nextBlock - 1).orElse(null))) {
      LOG.warnf(
          "NodeRegistry %s: block %d is no longer on the chain (a reorg); reading the registry"
              + " again from block %d",
          registry, current.nextBlock - 1, fromBlock);
      reorgs.increment();
      Ledger fresh = new Ledger(fromBlock);
      catchUp(fresh, latest);
      ledger = fresh;
    } else {
      catchUp(current, latest);
    }
    synced = true;
  }

  private void catchUp(Ledger l, long latest) throws IOException {
    Set<String> dirty = new HashSet<>();
    boolean moved = l.nextBlock <= latest;
    while (l.nextBlock <= latest) {
      long to = Math.min(latest, l.nextBlock + MAX_LOG_RANGE - 1);
      for (Log log : logs(l.nextBlock, to)) {
        apply(l, log, dirty);
      }
      l.nextBlock = to + 1;
    }
    if (moved) {
      l.lastHash = hashOf(latest).orElse(null);
    }
    // A probation's end changes the tier with no event: read the provider once more after it.
    Instant now = clock.instant();
    l.providers.values().stream()
        .filter(p -> p.probationUntil() != null && !p.onProbation(now))
        .filter(p -> l.probationsSeenEnded.add(p.provider() + "@" + p.probationUntil()))
        .forEach(p -> dirty.add(p.provider()));
    for (String provider : dirty) {
      l.providers.put(provider, read(provider));
    }
  }

  /** The hash of a block of the canonical chain now, if the chain has it. */
  private Optional<String> hashOf(long block) throws IOException {
    calls.increment();
    var answer =
        rpc.web3j()
            .ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(block)), false)
            .send();
    if (answer.hasError()) {
      throw new IOException("eth_getBlockByNumber " + block + ": " + ChainRpc.errorOf(answer));
    }
    return Optional.ofNullable(answer.getBlock()).map(b -> b.getHash().toLowerCase(Locale.ROOT));
  }

  private List<Log> logs(long from, long to) throws IOException {
    calls.increment();
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
            DefaultBlockParameter.valueOf(BigInteger.valueOf(to)),
            rewards == null ? List.of(registry) : List.of(registry, rewards));
    EthLog answer = rpc.web3j().ethGetLogs(filter).send();
    if (answer.hasError()) {
      throw new IOException("eth_getLogs " + from + ".." + to + ": " + ChainRpc.errorOf(answer));
    }
    return answer.getLogs().stream().map(r -> (Log) r.get()).toList();
  }

  private void apply(Ledger l, Log log, Set<String> dirty) {
    List<String> topics = log.getTopics();
    if (topics.isEmpty()) {
      return;
    }
    if (rewards != null && rewards.equalsIgnoreCase(log.getAddress())) {
      l.rewards.apply(log);
      return;
    }
    String kind = topics.get(0).toLowerCase(Locale.ROOT);
    if (kind.equals(NODE_REGISTERED) && topics.size() >= 3) {
      String provider = address(topics.get(2));
      l.providerOfNode.put(address(topics.get(1)), provider);
      dirty.add(provider);
    } else if (kind.equals(NODE_DEREGISTERED) && topics.size() >= 2) {
      l.providerOfNode.remove(address(topics.get(1)));
    } else if (PROVIDER_EVENTS.contains(kind) && topics.size() >= 2) {
      dirty.add(address(topics.get(1)));
      if (kind.equals(SLASHED) && topics.size() >= 4) {
        recordSlash(l, log, address(topics.get(2)), topics.get(3));
      }
    }
  }

  /** The Slashed events that named {@code nodeAddress}, oldest first. */
  public List<ChainSlash> slashesOf(String nodeAddress) {
    return nodeAddress == null
        ? List.of()
        : ledger.slashesByNode.getOrDefault(nodeAddress.toLowerCase(Locale.ROOT), List.of());
  }

  private static void recordSlash(Ledger l, Log log, String node, String evidence) {
    String data = Numeric.cleanHexPrefix(log.getData());
    if (data.length() < 128) {
      return;
    }
    ChainSlash slash = new ChainSlash();
    slash.setEvidence(evidence.toLowerCase(Locale.ROOT));
    slash.setRequested(new BigInteger(data.substring(0, 64), 16).toString());
    slash.setTaken(new BigInteger(data.substring(64, 128), 16).toString());
    slash.setTransaction(log.getTransactionHash());
    slash.setBlock(log.getBlockNumber().longValueExact());
    l.slashesByNode.merge(
        node,
        List.of(slash),
        (a, b) -> {
          List<ChainSlash> all = new java.util.ArrayList<>(a);
          all.addAll(b);
          return List.copyOf(all);
        });
  }

  @SuppressWarnings("rawtypes")
  private ProviderStake read(String provider) throws IOException {
    if (probationSeconds == null) {
      calls.increment();
      probationSeconds =
          ((Uint64)
                  rpc.call(
                          registry,
                          new Function(
                              "slashProbation", List.of(), List.of(new TypeReference<Uint64>() {})),
                          "NodeRegistry")
                      .get(0))
              .getValue()
              .longValueExact();
    }
    calls.increment();
    List<Type> info =
        rpc.call(
            registry,
            new Function(
                "providerInfo",
                List.of(new Address(provider)),
                List.of(
                    new TypeReference<Uint128>() {},
                    new TypeReference<Uint128>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Uint32>() {},
                    new TypeReference<Uint8>() {})),
            "NodeRegistry");
    calls.increment();
    int tier =
        ((Uint8)
                rpc.call(
                        registry,
                        new Function(
                            "tierOf",
                            List.of(new Address(provider)),
                            List.of(new TypeReference<Uint8>() {})),
                        "NodeRegistry")
                    .get(0))
            .getValue()
            .intValueExact();
    long slashedAt = ((Uint64) info.get(3)).getValue().longValueExact();
    Instant lastSlashed = slashedAt == 0 ? null : Instant.ofEpochSecond(slashedAt);
    return new ProviderStake(
        provider,
        ((Uint128) info.get(0)).getValue(),
        ((Uint128) info.get(1)).getValue(),
        ((Uint8) info.get(5)).getValue().intValueExact(),
        lastSlashed,
        lastSlashed == null ? null : lastSlashed.plusSeconds(probationSeconds),
        tier);
  }

  static String address(String topic) {
    String hex = Numeric.cleanHexPrefix(topic);
    return "0x" + hex.substring(hex.length() - 40).toLowerCase(Locale.ROOT);
  }

  static String topic(String signature) {
    return Numeric.toHexString(Hash.sha3(signature.getBytes(StandardCharsets.UTF_8)))
        .toLowerCase(Locale.ROOT);
  }
}
