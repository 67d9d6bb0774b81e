package io.aifabric.e2e;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.escrow.contracts.AvailabilityRewards;
import io.aifabric.escrow.contracts.JobEscrow;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testbed.BridgeChart;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.AnvilChain;
import io.aifabric.testing.TestPki;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.utils.Numeric;

/**
 * The settlement side of the network next to a running federation: anvil making a block every
 * second, JobEscrow and NodeRegistry deployed with 3 oracles and a threshold of 2 (tiers at 1, 2
 * and 3 ether of stake, an hour's probation after a slash), three escrow bridges installed with
 * their chart and run as separate processes with their chart's ServiceAccount — each an oracle with
 * its own key (files as a Secret mounts them), the first also the relayer — and, per GPU node that
 * ran a job, a simulated agent registered on its Node to sign the receipts. The payer is anvil's
 * first dev account (the example jobs' payer); providers are the example members' wallets, anvil's
 * next dev accounts.
 */
final class SettlementNetwork implements AutoCloseable {
  /** anvil's first dev account (funded, unlocked): the example jobs' payer. */
  static final String PAYER = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

  static final BigInteger ETHER = BigInteger.TEN.pow(18);

  final AnvilChain chain;
  final JobEscrow escrow;
  final NodeRegistry registry;

  /** AvailabilityRewards (funded with 10 ether), which the bridges post epochs to when asked. */
  final AvailabilityRewards rewards;

  final Credentials governance;
  final Credentials relayerKey;

  /** The oracles' keys, in the order of {@link #bridges}. */
  final List<Credentials> oracles;

  /** The bridges' chart, for their ServiceAccounts' credentials. */
  final BridgeChart chart;

  final List<BridgeProcess> bridges = new ArrayList<>();
  private final Federation federation;
  private final Map<String, SimulatedAgent> agents = new ConcurrentHashMap<>();
  private Credentials secondRelayerKey;

  private SettlementNetwork(
      Federation federation,
      AnvilChain chain,
      JobEscrow escrow,
      NodeRegistry registry,
      AvailabilityRewards rewards,
      Credentials governance,
      Credentials relayerKey,
      List<Credentials> oracles,
      BridgeChart chart) {
    this.federation = federation;
    this.chain = chain;
    this.escrow = escrow;
    this.registry = registry;
    this.rewards = rewards;
    this.governance = governance;
    this.relayerKey = relayerKey;
    this.oracles = List.copyOf(oracles);
    this.chart = chart;
  }

  /**
   * @param relayerSettings the relayer's settings beyond its keys (AIFABRIC_BRIDGE_RELAYER_*)
   */
  static SettlementNetwork start(
      TestBed bed, Federation federation, Map<String, String> relayerSettings) throws Exception {
    return start(bed, federation, relayerSettings, Map.of());
  }

  /**
   * @param everyBridge settings of every bridge, oracles and relayer alike (AIFABRIC_BRIDGE_*)
   */
  static SettlementNetwork start(
      TestBed bed,
      Federation federation,
      Map<String, String> relayerSettings,
      Map<String, String> everyBridge)
      throws Exception {
    return start(bed, federation, relayerSettings, everyBridge, false);
  }

  /**
   * As {@link #start(TestBed, Federation, Map, Map)}, with the bridges also signing and posting
   * availability epochs to {@link #rewards} (each epoch shares out 1 ether, the chart's default).
   */
  static SettlementNetwork startWithRewards(
      TestBed bed, Federation federation, Map<String, String> everyBridge) throws Exception {
    return start(bed, federation, Map.of(), everyBridge, true);
  }

  private static SettlementNetwork start(
      TestBed bed,
      Federation federation,
      Map<String, String> relayerSettings,
      Map<String, String> everyBridge,
      boolean postRewards)
      throws Exception {
    AnvilChain chain = AnvilChain.start(bed.dir().resolve("anvil/anvil.log"), 1);
    Credentials deployer = chain.fundedAccount(100);
    List<Credentials> oracles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      oracles.add(Credentials.create(Keys.createEcKeyPair()));
    }
    Credentials relayerKey = chain.fundedAccount(100);
    List<String> oracleAddresses = oracles.stream().map(Credentials::getAddress).toList();
    JobEscrow escrow = deployEscrow(chain, deployer, oracleAddresses);
    NodeRegistry registry = deployRegistry(chain, deployer, oracleAddresses);
    AvailabilityRewards rewards =
        AvailabilityRewards.deploy(
                chain.web3j,
                chain.transactions(deployer),
                AnvilChain.gas(),
                deployer.getAddress(),
                oracles.stream().map(Credentials::getAddress).toList(),
                BigInteger.TWO,
                registry.getContractAddress(),
                BigInteger.valueOf(86_400))
            .send();
    rewards.fund(ETHER.multiply(BigInteger.TEN)).send();
    // The operator reads deposits (read-only) to gate dispatch on them (Funded), and the
    // registry's stakes, tiers and slashes into ComputeNode status.
    federation.operator.restartWith(
        Map.of(
            "AIFABRIC_CHAIN_RPC_URL", chain.url(),
            "AIFABRIC_CHAIN_ESCROW", escrow.getContractAddress(),
            "AIFABRIC_CHAIN_REGISTRY", registry.getContractAddress(),
            "AIFABRIC_CHAIN_REGISTRY_POLL", "1s",
            "AIFABRIC_CHAIN_REWARDS", rewards.getContractAddress(),
            "AIFABRIC_CHAIN_REWARDS_ORACLES", ""));
    BridgeChart chart = new BridgeChart(bed, Federation.SECRETS_NAMESPACE);
    SettlementNetwork network =
        new SettlementNetwork(
            federation, chain, escrow, registry, rewards, deployer, relayerKey, oracles, chart);

    Path keys = Files.createDirectories(bed.dir().resolve("bridge-keys"));
    List<Callable<BridgeProcess>> starts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String release = "bridge-" + i;
      List<String> values =
          new ArrayList<>(
              List.of(
                  "chain.rpcUrl=" + chain.url(),
                  "chain.id=" + AnvilChain.CHAIN_ID,
                  "chain.escrow=" + escrow.getContractAddress(),
                  "chain.registry=" + registry.getContractAddress(),
                  "broker.host=127.0.0.1",
                  "broker.port=" + federation.broker.port(),
                  "broker.tls.secretName=" + release + "-broker-tls",
                  "oracle.keySecret.name=" + release + "-oracle-key"));
      if (i == 0) {
        values.addAll(List.of("relayer.enabled=true", "relayer.keySecret.name=relayer-key"));
      }
      if (postRewards) {
        values.add("rewards.contract=" + rewards.getContractAddress());
      }
      chart.install(release, values.toArray(String[]::new));
      Map<String, String> settings = new HashMap<>();
      settings.put("AIFABRIC_BRIDGE_RPC_URL", chain.url());
      settings.put("AIFABRIC_BRIDGE_CHAIN_ID", String.valueOf(AnvilChain.CHAIN_ID));
      settings.put("AIFABRIC_BRIDGE_ESCROW", escrow.getContractAddress());
      settings.put("AIFABRIC_BRIDGE_REGISTRY", registry.getContractAddress());
      settings.put("AIFABRIC_BRIDGE_NAMESPACE", Federation.SECRETS_NAMESPACE);
      settings.put("AIFABRIC_BRIDGE_CLIENT_ID", "bridge-" + i);
      settings.put("AIFABRIC_BROKER_HOST", "127.0.0.1");
      settings.put("AIFABRIC_BROKER_PORT", String.valueOf(federation.broker.port()));
      // An oracle reads receipts; the relayer also clears settled ones: its broker role says so.
      TestPki.ClientTls tls =
          federation
              .broker
              .pki()
              .client(i == 0 ? BrokerIdentities.RELAYER : BrokerIdentities.ORACLE);
      settings.put("AIFABRIC_BROKER_TLS_CERTIFICATE", tls.certificate().toString());
      settings.put("AIFABRIC_BROKER_TLS_KEY", tls.key().toString());
      settings.put("AIFABRIC_BROKER_TLS_CA", tls.ca().toString());
      settings.put(
          "AIFABRIC_BRIDGE_ORACLE_KEY_FILE",
          keyFile(keys, "oracle-" + i, oracles.get(i)).toString());
      if (postRewards) {
        settings.put("AIFABRIC_BRIDGE_REWARDS_CONTRACT", rewards.getContractAddress());
        settings.put(
            "AIFABRIC_BRIDGE_REWARDS_STATE_DIR",
            bed.dir().resolve("bridges/" + release + "-state").toString());
      }
      settings.putAll(everyBridge);
      if (i == 0) {
        settings.put(
            "AIFABRIC_BRIDGE_RELAYER_KEY_FILE", keyFile(keys, "relayer", relayerKey).toString());
        settings.putAll(relayerSettings);
      }
      // The bridge runs with its chart's ServiceAccount: exactly the RBAC the chart grants.
      Path kubeconfig = chart.kubeconfig(release);
      starts.add(
          () -> BridgeProcess.start(release, kubeconfig, bed.dir().resolve("bridges"), settings));
    }
    network.bridges.addAll(startSideBySide(starts));
    if (postRewards) {
      // The operator reads each posted epoch's table from the oracles, for ComputeNode status.
      federation.operator.restartWith(
          Map.of(
              "AIFABRIC_CHAIN_REWARDS_ORACLES",
              String.join(",", network.bridges.stream().map(BridgeProcess::url).toList())));
    }
    return network;
  }

  /** JobEscrow with these oracles, two of them to settle. */
  static JobEscrow deployEscrow(AnvilChain chain, Credentials deployer, List<String> oracles)
      throws Exception {
    return JobEscrow.deploy(
            chain.web3j,
            chain.transactions(deployer),
            AnvilChain.gas(),
            deployer.getAddress(),
            oracles,
            BigInteger.TWO)
        .send();
  }

  /**
   * NodeRegistry with these oracles, two of them to slash; an hour's unbonding and challenge
   * windows; tiers at 1, 2 and 3 ether of stake.
   */
  static NodeRegistry deployRegistry(AnvilChain chain, Credentials deployer, List<String> oracles)
      throws Exception {
    return NodeRegistry.deploy(
            chain.web3j,
            chain.transactions(deployer),
            AnvilChain.gas(),
            deployer.getAddress(),
            oracles,
            BigInteger.TWO,
            BigInteger.valueOf(3600),
            BigInteger.valueOf(3600),
            List.of(ETHER, ETHER.multiply(BigInteger.TWO), ETHER.multiply(BigInteger.valueOf(3))))
        .send();
  }

  /**
   * The bridges' JVMs started side by side (the charts were installed one at a time), in the order
   * given; if one fails, the others are stopped.
   */
  private static List<BridgeProcess> startSideBySide(List<Callable<BridgeProcess>> starts)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(starts.size());
    List<BridgeProcess> started = new ArrayList<>();
    try {
      List<Future<BridgeProcess>> futures = pool.invokeAll(starts);
      RuntimeException failed = null;
      for (Future<BridgeProcess> future : futures) {
        try {
          started.add(future.get());
        } catch (ExecutionException e) {
          failed = new IllegalStateException("a bridge did not start", e.getCause());
        }
      }
      if (failed != null) {
        started.forEach(BridgeProcess::close);
        throw failed;
      }
      return started;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * A second relayer (no oracle key, a key of its own), installed and run like the others: two
   * relayers working on the same SettlementBatches and Slashes.
   */
  BridgeProcess startSecondRelayer(Map<String, String> relayerSettings) throws Exception {
    String release = "bridge-relayer-2";
    if (secondRelayerKey == null) {
      secondRelayerKey = chain.fundedAccount(100);
      chart.install(
          release,
          "chain.rpcUrl=" + chain.url(),
          "chain.id=" + AnvilChain.CHAIN_ID,
          "chain.escrow=" + escrow.getContractAddress(),
          "chain.registry=" + registry.getContractAddress(),
          "broker.host=127.0.0.1",
          "broker.port=" + federation.broker.port(),
          "broker.tls.secretName=" + release + "-broker-tls",
          "oracle.enabled=false",
          "relayer.enabled=true",
          "relayer.keySecret.name=relayer-2-key");
    }
    Path keys = Files.createDirectories(federation.bed.dir().resolve("bridge-keys"));
    Map<String, String> settings = new HashMap<>(relayer().settings());
    settings.remove("AIFABRIC_BRIDGE_ORACLE_KEY_FILE");
    settings.put("AIFABRIC_BRIDGE_CLIENT_ID", release);
    settings.put(
        "AIFABRIC_BRIDGE_RELAYER_KEY_FILE",
        keyFile(keys, "relayer-2", secondRelayerKey).toString());
    settings.putAll(relayerSettings);
    BridgeProcess second =
        BridgeProcess.start(
            release, chart.kubeconfig(release), federation.bed.dir().resolve("bridges"), settings);
    bridges.add(second);
    return second;
  }

  /** The registry as a wallet sends to it. */
  NodeRegistry registryAs(Credentials wallet) {
    return NodeRegistry.load(
        registry.getContractAddress(), chain.web3j, chain.transactions(wallet), AnvilChain.gas());
  }

  /** The bridge that is also the relayer. */
  BridgeProcess relayer() {
    return bridges.get(0);
  }

  /** The escrow as the payer's wallet sends to it. */
  JobEscrow asPayer() {
    return JobEscrow.load(
        escrow.getContractAddress(), chain.web3j, chain.devAccount(PAYER), AnvilChain.gas());
  }

  /**
   * A job that pays from escrow, as a platform team writes it: example 20 with {@code escrow: true}
   * and a budget of what the tests deposit, so its worst case is covered.
   */
  static AIJob escrowJob(String namespace, String name, String budget) throws java.io.IOException {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", namespace, name);
    job.getSpec().getPayment().setEscrow(true);
    job.getSpec().getPayment().setBudget(budget);
    return job;
  }

  /** The deposit key the operator shows in the job's status, once it has looked at the job. */
  byte[] awaitDepositKey(AIJob job) {
    AIJob seen =
        org.awaitility.Awaitility.await()
            .atMost(java.time.Duration.ofSeconds(30))
            .until(
                () -> federation.get(job),
                j -> j.getStatus() != null && j.getStatus().getFunding() != null);
    return Numeric.hexStringToByteArray(seen.getStatus().getFunding().getDepositKey());
  }

  /** The payer deposits for the job (under the key in its status) for the provider. */
  byte[] fund(AIJob job, String provider, BigInteger amount) throws Exception {
    byte[] key = awaitDepositKey(job);
    asPayer().deposit(key, provider, BigInteger.valueOf(chainTime() + 86_400), amount).send();
    return key;
  }

  /** The provider wallet of a member. */
  String providerOf(String member) {
    return federation.member(member).getSpec().getProviderWallet();
  }

  /** The escrow as a provider's wallet sends to it. */
  JobEscrow as(String wallet) {
    return JobEscrow.load(
        escrow.getContractAddress(), chain.web3j, chain.devAccount(wallet), AnvilChain.gas());
  }

  /** The node's agent, registered on its Node so that the operator records its key. */
  SimulatedAgent agentOn(String cluster, String node) throws Exception {
    String key = cluster + "/" + node;
    SimulatedAgent agent = agents.get(key);
    if (agent == null) {
      agent = SimulatedAgent.registeredOn(federation, cluster, node);
      agents.put(key, agent);
    }
    return agent;
  }

  /**
   * Signs and sends a transaction from {@code from}, as any wallet would.
   *
   * @return its hash once it is mined
   */
  String sendAndMine(Credentials from, long nonce, String to, BigInteger value, String data)
      throws Exception {
    RawTransaction tx =
        RawTransaction.createTransaction(
            AnvilChain.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(500_000),
            to,
            value,
            data,
            BigInteger.TEN.pow(9),
            BigInteger.TEN.pow(11));
    String hash =
        chain
            .web3j
            .ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(tx, from)))
            .send()
            .getTransactionHash();
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .until(
            () ->
                chain
                    .web3j
                    .ethGetTransactionReceipt(hash)
                    .send()
                    .getTransactionReceipt()
                    .isPresent());
    return hash;
  }

  /**
   * Waits until every oracle knows the agent's node as registered (its ComputeNode's key is in the
   * oracle's view of the host): each has counted one of the agent's heartbeats, which an oracle
   * counts only from a registered node. The agent heartbeats meanwhile, one a second.
   */
  void awaitOraclesKnow(SimulatedAgent agent) throws Exception {
    List<BridgeProcess> oracles = bridges.subList(0, 3);
    List<Double> before = new ArrayList<>();
    for (BridgeProcess oracle : oracles) {
      before.add(countedHeartbeats(oracle));
    }
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofSeconds(1))
        .until(
            () -> {
              agent.publish(agent.heartbeatAt(System.currentTimeMillis()));
              for (int i = 0; i < oracles.size(); i++) {
                if (countedHeartbeats(oracles.get(i)) <= before.get(i)) {
                  return false;
                }
              }
              return true;
            });
  }

  /** Heartbeats an oracle counted (from registered nodes, signed by them, within the skew). */
  static double countedHeartbeats(BridgeProcess oracle) throws Exception {
    return PrometheusText.sample(
        oracle.metrics(), "aifabric_bridge_heartbeats_total{result=\"counted\"}");
  }

  /** The latest block's timestamp: the chain's clock, which deadlines are measured on. */
  long chainTime() throws Exception {
    return chain
        .web3j
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  private static Path keyFile(Path dir, String name, Credentials key) throws Exception {
    Path file = dir.resolve(name + ".key");
    Files.writeString(
        file, Numeric.toHexStringNoPrefixZeroPadded(key.getEcKeyPair().getPrivateKey(), 64));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  @Override
  public void close() {
    bridges.forEach(BridgeProcess::close);
    agents.values().forEach(SimulatedAgent::close);
    chain.close();
  }
}
