package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.EpochShare;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.EpochRewardSpec;
import io.aifabric.api.v1alpha1.settlement.EpochRewardStatus;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.EpochRewards;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.contracts.AvailabilityRewards;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.AnvilChain;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.utils.Numeric;

/**
 * Availability rewards end to end. Each oracle counts every registered node's availability per
 * epoch from the heartbeats it took off the broker itself, and the three oracles arrive at the same
 * table — the same root — without exchanging theirs: a node up for the whole epoch scores the top
 * level, one silent for its first half scores half, heartbeats signed by another key count for
 * nothing. The relayer asks for the closed epoch's rewards (an EpochReward), each oracle signs the
 * root of its own table, the relayer posts the root a quorum signed, once; each node's provider
 * claims with the CLI (the proof from an oracle's table) and is paid exactly its share, once.
 * (Epochs of 20 one-second slots here; an hour of 10-second slots by default.)
 */
@Order(20)
class AvailabilityRewardsE2E extends FederatedE2E {
  private static final long EPOCH_MILLIS = 20_000;
  private static final long SLOT_MILLIS = 1_000;
  private static final BigInteger REWARD = SettlementNetwork.ETHER;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static SettlementNetwork network;
  private static final List<String> nodes = new ArrayList<>();

  @BeforeAll
  static void chainAndBridges(TestBed bed) throws Exception {
    network =
        SettlementNetwork.startWithRewards(
            bed,
            federation,
            Map.of(
                "AIFABRIC_BRIDGE_REWARDS_EPOCH", "20s",
                "AIFABRIC_BRIDGE_REWARDS_HEARTBEAT_INTERVAL", "1s",
                // Room for an oracle's restart between an epoch's first and second half.
                "AIFABRIC_BRIDGE_REWARDS_MAX_SKEW", "45s",
                "AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "2s"));
  }

  @AfterAll
  static void stop() {
    nodes.forEach(n -> federation.bed.client("member-a").nodes().withName(n).delete());
    if (network != null) {
      network.close();
    }
  }

  @Test
  void threeOraclesCountTheSameEpochTableEvenOneKilledMidEpochAndAHalfSilentNodeScoresHalf()
      throws Exception {
    try (SimulatedAgent up = registered("gpu-up");
        SimulatedAgent half = registered("gpu-half");
        SimulatedAgent forger = new SimulatedAgent(federation.broker)) {
      long epoch = epochAhead();
      long start = epoch * EPOCH_MILLIS;
      introduce(up, half, start);
      // Under the half-silent node's topic, for its first half, heartbeats signed by another key.
      for (int slot = 0; slot < slots() / 2; slot++) {
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
      // The first half of the epoch, counted by every oracle; then one oracle is killed (SIGKILL)
      // and started again, and the second half is sent until it counted that too.
      BridgeProcess restarted = network.bridges.get(2);
      double before = counted(restarted);
      play(up, half, start, 0, slots() / 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> counted(restarted) >= before + 10);
      restarted.kill();
      restarted.restart(Map.of());
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                play(up, half, start, slots() / 2, slots());
                return counted(restarted) >= 20; // its counter began again at 0
              });

      List<JsonNode> tables = tables(epoch);
      for (JsonNode table : tables) {
        assertThat(table.get("root").asText()).isEqualTo(tables.get(0).get("root").asText());
        assertThat(table.get("scores").get(addressOf(up)).asLong()).isEqualTo(16);
        assertThat(table.get("scores").get(addressOf(half)).asLong()).isEqualTo(8);
      }
    }
  }

  @Test
  void theRootTheOraclesAgreeOnIsPostedOnceAndEachProviderClaimsExactlyItsShareOnce()
      throws Exception {
    try (SimulatedAgent up = registered("gpu-paid-up");
        SimulatedAgent half = registered("gpu-paid-half")) {
      Credentials upProvider = stakeAndRegister(up);
      Credentials halfProvider = stakeAndRegister(half);
      long epoch = epochAhead();
      long start = epoch * EPOCH_MILLIS;
      introduce(up, half, start);
      play(up, half, start, 0, slots());
      // Before the epoch closes, someone with write access to the status files answers under two
      // oracles' addresses: signatures by other keys over a root of their own. The relayer must
      // not post it, and the oracles replace them with their own answers.
      double forgedBefore = forgedAnswers();
      fileForgedAnswers(epoch);
      JsonNode table = tables(epoch).get(0);

      EpochReward posted =
          await()
              .atMost(Duration.ofSeconds(120))
              .until(
                  () ->
                      federation
                          .host
                          .resources(EpochReward.class)
                          .inNamespace(Federation.SECRETS_NAMESPACE)
                          .withName(EpochReward.nameFor(epoch))
                          .get(),
                  r ->
                      r != null
                          && r.getStatus() != null
                          && (r.getStatus().getPhase() == BatchPhase.Settled
                              || r.getStatus().getPhase() == BatchPhase.Abandoned));
      assertThat(posted.getStatus().getPhase()).isEqualTo(BatchPhase.Settled);
      assertThat(posted.getSpec().getReward()).isEqualTo(REWARD.toString());
      assertThat(posted.getStatus().getRoot()).isEqualTo(table.get("root").asText());
      assertThat(posted.getStatus().getTotalScore()).isEqualTo(table.get("totalScore").asLong());
      assertThat(posted.getStatus().getAttestations().values())
          .hasSizeGreaterThanOrEqualTo(2)
          .allSatisfy(
              answer -> {
                assertThat(answer.getSignature()).isNotNull();
                assertThat(answer.getRoot()).isEqualTo(table.get("root").asText());
              });
      AvailabilityRewards.Epoch onChain = network.rewards.epochOf(BigInteger.valueOf(epoch)).send();
      assertThat(Numeric.toHexString(onChain.root)).isEqualTo(table.get("root").asText());
      assertThat(onChain.reward).isEqualTo(REWARD);
      assertThat(epochPostedLogs(epoch)).isEqualTo(1);
      assertThat(forgedAnswers()).isGreaterThan(forgedBefore);

      long upScore = table.get("scores").get(addressOf(up)).asLong();
      long halfScore = table.get("scores").get(addressOf(half)).asLong();
      long total = table.get("totalScore").asLong();
      assertThat(upScore).isEqualTo(2 * halfScore);

      // Each node's ComputeNode shows its score and share, not paid yet.
      BigInteger upShare =
          REWARD.multiply(BigInteger.valueOf(upScore)).divide(BigInteger.valueOf(total));
      EpochShare unpaid = awaitShare(up, epoch, false);
      assertThat(unpaid.getScore()).isEqualTo(upScore);
      assertThat(unpaid.getTotalScore()).isEqualTo(total);
      assertThat(unpaid.getAmount()).isEqualTo(upShare.toString());

      // Claims are sent (and their gas paid) by a third wallet: what each provider gains is its
      // node's share and nothing else.
      Path sender = keyFile("claim-sender", network.chain.fundedAccount(1));
      BigInteger upBefore = network.chain.balance(upProvider.getAddress());
      CommandResult claimed = claim(sender, epoch, up);
      assertThat(claimed.succeeded()).as(claimed.stderr()).isTrue();
      assertThat(network.chain.balance(upProvider.getAddress()).subtract(upBefore))
          .isEqualTo(upShare);

      BigInteger halfBefore = network.chain.balance(halfProvider.getAddress());
      assertThat(claim(sender, epoch, half).succeeded()).isTrue();
      assertThat(network.chain.balance(halfProvider.getAddress()).subtract(halfBefore))
          .isEqualTo(
              REWARD.multiply(BigInteger.valueOf(halfScore)).divide(BigInteger.valueOf(total)));

      // A second claim for the same node and epoch is refused by the contract, and pays nothing.
      BigInteger upAfter = network.chain.balance(upProvider.getAddress());
      CommandResult again = claim(sender, epoch, up);
      assertThat(again.succeeded()).isFalse();
      assertThat(again.stderr()).contains("AlreadyClaimed(uint64,address)");
      assertThat(network.chain.balance(upProvider.getAddress())).isEqualTo(upAfter);

      // ... and then that it was paid, and where.
      EpochShare paid = awaitShare(up, epoch, true);
      assertThat(paid.getAmount()).isEqualTo(upShare.toString());
      assertThat(paid.getTransaction()).isNotBlank();
      assertThat(paid.getBlock()).isPositive();
    }
  }

  /** The node's share of the epoch on its ComputeNode, once it says paid (or not). */
  private static EpochShare awaitShare(SimulatedAgent node, long epoch, boolean paid) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                federation.host.resources(ComputeNode.class).list().getItems().stream()
                    .filter(
                        c ->
                            c.getStatus() != null
                                && c.getStatus().getIdentity() != null
                                && addressOf(node)
                                    .equalsIgnoreCase(c.getStatus().getIdentity().getAddress()))
                    .flatMap(
                        c ->
                            c.getStatus().getRewards() == null
                                ? java.util.stream.Stream.empty()
                                : c.getStatus().getRewards().stream())
                    .filter(s -> s.getEpoch() == epoch && s.getPaid() == paid)
                    .findFirst(),
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  /**
   * Creates the epoch's EpochReward as the relayer would, with answers filed under the first two
   * oracles' addresses that they did not sign: a root of the forger's choosing, signed by its key.
   */
  private static void fileForgedAnswers(long epoch) throws Exception {
    EpochRewardSpec spec = new EpochRewardSpec();
    spec.setChainId(AnvilChain.CHAIN_ID);
    spec.setContract(network.rewards.getContractAddress().toLowerCase(Locale.ROOT));
    spec.setEpoch(epoch);
    spec.setReward(REWARD.toString());
    spec.setDeadline(network.chainTime() + 3_600);
    EpochReward reward = new EpochReward();
    reward.getMetadata().setName(EpochReward.nameFor(epoch));
    reward.getMetadata().setNamespace(Federation.SECRETS_NAMESPACE);
    reward.setSpec(spec);
    EpochReward created = federation.host.resource(reward).create();

    byte[] bogusRoot = new byte[32];
    java.util.Arrays.fill(bogusRoot, (byte) 0x42);
    byte[] digest =
        new EpochRewards(epoch, bogusRoot, 1, REWARD, spec.getDeadline())
            .digest(
                ContractDomain.availabilityRewards(
                    AnvilChain.CHAIN_ID, network.rewards.getContractAddress()));
    EpochRewardStatus status = new EpochRewardStatus();
    for (Credentials oracle : network.oracles.subList(0, 2)) {
      Attestation forged = new Attestation();
      forged.setRoot(Numeric.toHexString(bogusRoot));
      forged.setTotalScore(1L);
      forged.setSignature(
          Numeric.toHexString(OracleSignatures.sign(digest, Keys.createEcKeyPair()).rsv()));
      status.getAttestations().put(oracle.getAddress().toLowerCase(Locale.ROOT), forged);
    }
    created.setStatus(status);
    federation.host.resource(created).updateStatus();
  }

  private static double forgedAnswers() throws Exception {
    return PrometheusText.sample(
        network.relayer().metrics(), "aifabric_bridge_forged_answers_total");
  }

  /** A fresh provider stakes tier 1's 1 ether and registers the agent's node key to itself. */
  private static Credentials stakeAndRegister(SimulatedAgent agent) throws Exception {
    Credentials provider = network.chain.fundedAccount(10);
    NodeRegistry asProvider = network.registryAs(provider);
    asProvider.stake(SettlementNetwork.ETHER).send();
    String address = agent.address().toString();
    byte[] digest = asProvider.registrationDigest(address, provider.getAddress()).send();
    asProvider.registerNode(address, agent.key.sign(digest).toBytes()).send();
    return provider;
  }

  private static CommandResult claim(Path key, long epoch, SimulatedAgent node) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "claim",
                "-k",
                key.toString(),
                "--epoch",
                String.valueOf(epoch),
                "--node",
                addressOf(node),
                "--rpc",
                network.chain.url(),
                "--rewards",
                network.rewards.getContractAddress()));
    for (BridgeProcess oracle : network.bridges) {
      args.addAll(List.of("--oracle", oracle.url()));
    }
    return AifabricCli.run(args.toArray(String[]::new));
  }

  private static long epochPostedLogs(long epoch) throws Exception {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            network.rewards.getContractAddress());
    filter.addSingleTopic(EventEncoder.encode(AvailabilityRewards.EPOCHPOSTED_EVENT));
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(epoch), 64));
    return network.chain.web3j.ethGetLogs(filter).send().getLogs().size();
  }

  private static Path keyFile(String name, Credentials account) throws Exception {
    Path file = Files.createTempFile(federation.bed.dir(), name, ".key");
    Files.writeString(
        file, Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /**
   * An epoch whose every slot, and a slot 5 s before it, lies within the oracles' 30 s skew of the
   * next ~20 s: the current one in its first half, else the next. Its heartbeats can then all be
   * sent at once, each signed for its slot (oracles count by signed time, within skew).
   */
  private static long epochAhead() {
    long now = System.currentTimeMillis();
    return now / EPOCH_MILLIS + (now % EPOCH_MILLIS < EPOCH_MILLIS / 2 ? 0 : 1);
  }

  private static int slots() {
    return (int) (EPOCH_MILLIS / SLOT_MILLIS);
  }

  /**
   * One heartbeat each from before the epoch, until every oracle has counted both: then each knows
   * the two nodes' registrations, and none drops the epoch's as from an unknown node. (Sent again
   * until then: one an oracle drops before it knows the node is not counted; once counted, the same
   * slot again counts nothing.)
   */
  private static void introduce(SimulatedAgent up, SimulatedAgent half, long start)
      throws Exception {
    List<Double> before = new ArrayList<>();
    for (BridgeProcess oracle : network.bridges) {
      before.add(counted(oracle));
    }
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
  }

  /**
   * The epoch's heartbeats in slots [from, to): {@code up} in every slot (twice), {@code half} in
   * the epoch's second half.
   */
  private static void play(SimulatedAgent up, SimulatedAgent half, long start, int from, int to)
      throws Exception {
    for (int slot = from; slot < to; slot++) {
      long at = start + slot * SLOT_MILLIS + 100;
      up.publish(up.heartbeatAt(at));
      up.publish(up.heartbeatAt(at + 300)); // a second one in the same slot counts nothing
      if (slot >= slots() / 2) {
        half.publish(half.heartbeatAt(at));
      }
    }
  }

  /** Each oracle's table of the epoch, once it is closed. */
  private static List<JsonNode> tables(long epoch) {
    List<JsonNode> tables = new ArrayList<>();
    for (BridgeProcess oracle : network.bridges) {
      tables.add(
          await()
              .atMost(Duration.ofSeconds(90))
              .ignoreExceptions()
              .until(() -> JSON.readTree(oracle.get("/rewards/epochs/" + epoch)), t -> true));
    }
    return tables;
  }

  private static String addressOf(SimulatedAgent agent) {
    return agent.address().toString().toLowerCase(Locale.ROOT);
  }

  private static double counted(BridgeProcess oracle) throws Exception {
    return SettlementNetwork.countedHeartbeats(oracle);
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
            () -> federation.host.resources(ComputeNode.class).withName("member-a." + name).get(),
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getIdentity() != null
                    && address.equalsIgnoreCase(c.getStatus().getIdentity().getAddress()));
    return agent;
  }
}
