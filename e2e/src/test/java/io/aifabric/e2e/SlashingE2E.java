package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.SlashEvidence;
import io.aifabric.protocol.Topics;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.abi.EventEncoder;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.utils.Numeric;

/**
 * A node whose own signed hardware report contradicts its listing is slashed on chain: the operator
 * records the finding, the relayer plans a Slash, each oracle judges the node's report it received
 * itself and signs, the relayer submits with 2 of 3 signatures, and the ComputeNode shows the slash
 * and its provider's probation. Exactly once, when the relayer dies between broadcasting and
 * recording, and when two relayers race; and never for a report the node did not sign.
 */
@Order(19)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlashingE2E extends FederatedE2E {
  private static final BigInteger ETHER = SettlementNetwork.ETHER;
  private static final BigInteger STAKE =
      ETHER.multiply(BigInteger.valueOf(5)).divide(BigInteger.TWO);

  /** The bridges' default: what one finding costs. */
  private static final BigInteger SLASH = ETHER.divide(BigInteger.TEN);

  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final Map<String, String> RELAYER =
      Map.of(
          "AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "1s",
          "AIFABRIC_BRIDGE_RELAYER_CONFIRMATIONS", "2",
          "AIFABRIC_BRIDGE_RELAYER_STUCK_AFTER", "5s");

  private static SettlementNetwork network;
  private static KubernetesClient host;
  private static final List<String> nodes = new java.util.ArrayList<>();

  @BeforeAll
  static void chainAndBridges(TestBed bed) throws Exception {
    host = federation.host;
    network = SettlementNetwork.start(bed, federation, RELAYER);
  }

  @AfterAll
  static void stop() {
    nodes.forEach(n -> federation.bed.client("member-a").nodes().withName(n).delete());
    if (network != null) {
      network.close();
    }
  }

  /** A GPU node of member-a, its agent's key registered on the Node and, staked, on chain. */
  private record StakedNode(String name, SimulatedAgent agent, Credentials provider) {
    String computeNode() {
      return "member-a." + name;
    }

    String address() {
      return agent.address().toString().toLowerCase(Locale.ROOT);
    }
  }

  @Test
  @Order(1)
  void aVramShortNodeIsSlashedOnceEvenWhenTheRelayerDiesBetweenBroadcastAndRecord()
      throws Exception {
    BridgeProcess relayer = network.relayer();
    relayer.restart(Map.of("AIFABRIC_BRIDGE_RELAYER_FAILPOINT", "after-broadcast"));
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      StakedNode node = stakedNode("gpu-short", agent);
      HardwareReport shortReport = report(agent, 40960);
      agent.publishHardware(shortReport);
      byte[] evidence = SlashEvidence.of("VramMismatch", shortReport.digest());

      // The relayer signs, records and broadcasts the slash, then dies before it records more.
      await().atMost(Duration.ofSeconds(120)).until(() -> !relayer.alive());
      Slash cut = slash(evidence);
      assertThat(cut.getStatus().getPhase()).isEqualTo(BatchPhase.Submitting);
      assertThat(cut.getStatus().getTransactions()).hasSize(1);
      String recorded = cut.getStatus().getTransactions().get(0).getHash();
      assertThat(cut.getSpec().getProvider())
          .isEqualTo(node.provider().getAddress().toLowerCase(Locale.ROOT));
      assertThat(cut.getSpec().getAmount()).isEqualTo(SLASH.toString());

      relayer.restart(Map.of());
      Slash done = awaitPhase(evidence, BatchPhase.Settled);
      // The broadcast one slashed; nothing was sent again; the registry took the amount once.
      assertThat(done.getStatus().getTransactions()).hasSize(1);
      assertThat(done.getStatus().getTxHash()).isEqualTo(recorded);
      assertThat(done.getStatus().getTaken()).isEqualTo(SLASH.toString());
      assertThat(slashedEvents(evidence)).isEqualTo(1);
      assertThat(staked(node)).isEqualTo(STAKE.subtract(SLASH));
      assertThat(relayer.metrics()).contains("aifabric_bridge_slash_steps_total{step=\"mined\"");

      // The ComputeNode shows the slash and the provider's probation: tier 1, on its Node too.
      ComputeNode shown = awaitTier(node, 1);
      assertThat(shown.getStatus().getSlashes())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getEvidence()).isEqualTo(Numeric.toHexString(evidence));
                assertThat(s.getTaken()).isEqualTo(SLASH.toString());
                assertThat(s.getTransaction()).isEqualTo(recorded);
              });
      assertThat(shown.getStatus().getStake()).isEqualTo(STAKE.subtract(SLASH).toString());
      awaitTierLabel(node, "1");
    }
  }

  @Test
  @Order(3)
  void twoRelayersRacingOverOneFindingSlashItOnce() throws Exception {
    BridgeProcess second = network.startSecondRelayer(RELAYER);
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      StakedNode node = stakedNode("gpu-raced", agent);
      HardwareReport shortReport = report(agent, 30720);
      agent.publishHardware(shortReport);
      byte[] evidence = SlashEvidence.of("VramMismatch", shortReport.digest());

      Slash done = awaitPhase(evidence, BatchPhase.Settled);
      assertThat(done.getStatus().getTaken()).isEqualTo(SLASH.toString());
      assertThat(slashedEvents(evidence)).isEqualTo(1);
      assertThat(staked(node)).isEqualTo(STAKE.subtract(SLASH));
      // Both planned the same Slash (named after its evidence): there is one.
      assertThat(slashesOf(node)).hasSize(1);
    } finally {
      second.close();
    }
  }

  @Test
  @Order(2)
  void aSlashAnotherRelayerBroadcastIsTakenOverWithoutASecondTransaction() throws Exception {
    BridgeProcess first = network.relayer();
    first.kill(); // oracle 0 too: the two others are the quorum
    BridgeProcess second =
        network.startSecondRelayer(Map.of("AIFABRIC_BRIDGE_RELAYER_FAILPOINT", "after-broadcast"));
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      StakedNode node = stakedNode("gpu-handover", agent);
      HardwareReport shortReport = report(agent, 20480);
      agent.publishHardware(shortReport);
      byte[] evidence = SlashEvidence.of("VramMismatch", shortReport.digest());

      // The second relayer signs, records and broadcasts, then dies; the first takes over.
      await().atMost(Duration.ofSeconds(120)).until(() -> !second.alive());
      String sent = slash(evidence).getStatus().getTransactions().get(0).getHash();
      first.restart(Map.of());
      Slash done = awaitPhase(evidence, BatchPhase.Settled);
      assertThat(done.getStatus().getTransactions())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.getHash()).isEqualTo(sent);
                assertThat(t.getFrom())
                    .isNotEqualTo(network.relayerKey.getAddress().toLowerCase(Locale.ROOT));
              });
      assertThat(done.getStatus().getTxHash()).isEqualTo(sent);
      assertThat(slashedEvents(evidence)).isEqualTo(1);
      assertThat(staked(node)).isEqualTo(STAKE.subtract(SLASH));
    } finally {
      second.close();
      if (!first.alive()) {
        first.restart(Map.of());
      }
    }
  }

  @Test
  @Order(4)
  void aSlashRestingOnAReportTheNodeNeverSignedGetsNoSignature() throws Exception {
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      StakedNode node = stakedNode("gpu-framed", agent);
      agent.publishHardware(report(agent, 80900)); // measured as listed
      // Someone puts a VRAM-short report under the node's topic, signed with a key of their own,
      // and asks the oracles to slash on it.
      HardwareReport forged = report(agent, 20480);
      NodeKey stranger = NodeKey.generate(new SecureRandom());
      agent.publishRaw(
          Topics.hardware(agent.address()),
          HardwareReportCodec.encode(
              new HardwareReport.Signed(forged, stranger.sign(forged.digest()))));
      byte[] evidence = SlashEvidence.of("VramMismatch", forged.digest());
      SlashSpec spec = new SlashSpec();
      spec.setChainId(AnvilChain.CHAIN_ID);
      spec.setRegistry(network.registry.getContractAddress().toLowerCase(Locale.ROOT));
      spec.setComputeNode(node.computeNode());
      spec.setNode(node.address());
      spec.setProvider(node.provider().getAddress().toLowerCase(Locale.ROOT));
      spec.setReason("VramMismatch");
      spec.setReport(Numeric.toHexString(forged.digest()));
      spec.setEvidence(Numeric.toHexString(evidence));
      spec.setAmount(SLASH.toString());
      spec.setDeadline(network.chainTime() + 1800);
      Slash framed = new Slash();
      framed.getMetadata().setNamespace(Federation.SECRETS_NAMESPACE);
      framed.getMetadata().setName(Slash.nameFor(Numeric.toHexString(evidence)));
      framed.setSpec(spec);
      host.resource(framed).create();

      Slash abandoned = awaitPhase(evidence, BatchPhase.Abandoned);
      // Refused by enough oracles that no quorum is left (the last may not have answered yet).
      assertThat(abandoned.getStatus().getAttestations()).hasSizeGreaterThanOrEqualTo(2);
      for (Attestation answer : abandoned.getStatus().getAttestations().values()) {
        assertThat(answer.getSignature()).isNull();
        assertThat(answer.getRefusalSignature()).isNotNull();
        assertThat(answer.getRefusals())
            .anySatisfy(
                r ->
                    assertThat(r)
                        .contains("has no hardware report " + spec.getReport())
                        .contains("signed by node " + node.address()));
      }
      assertThat(Conditions.find(abandoned.getStatus().getConditions(), "Slashed"))
          .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("QuorumRefused"));
      assertThat(abandoned.getStatus().getTransactions()).isEmpty();
      assertThat(network.registry.evidenceUsed(evidence).send()).isFalse();
      assertThat(staked(node)).isEqualTo(STAKE);
      // The honest report gives no finding, so nothing else was planned against the node.
      assertThat(slashesOf(node))
          .extracting(s -> s.getMetadata().getName())
          .containsExactly(Slash.nameFor(Numeric.toHexString(evidence)));
    }
  }

  @Test
  @Order(5)
  void aReorgThatDropsANodesRegistrationTakesItOutOfTheOperatorsView() throws Exception {
    String before = network.chain.snapshot();
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      StakedNode node = stakedNode("gpu-reorged", agent);
      double reorgsBefore = reorgs();
      // The blocks with the provider's stake and the node's registration are gone; the chain
      // goes on without them.
      network.chain.revert(before);
      network.chain.mine(3);
      ComputeNode dropped =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> host.resources(ComputeNode.class).withName(node.computeNode()).get(),
                  c ->
                      Integer.valueOf(0).equals(c.getStatus().getTier())
                          && Federation.condition(c, "OnChain")
                              .map(x -> "NotRegistered".equals(x.getReason()))
                              .orElse(false));
      assertThat(dropped.getStatus().getStake()).isNull();
      assertThat(reorgs()).isGreaterThan(reorgsBefore);
      awaitTierLabel(node, "0");
    }
  }

  private static double reorgs() throws Exception {
    return PrometheusText.sample(federation.operator.metrics(), "aifabric_registry_reorgs_total");
  }

  /**
   * A new H100 node on member-a with the agent's key; a fresh provider stakes 2.5 ether (tier 2)
   * and registers it with the node key's signature over the registry's registration digest.
   */
  private StakedNode stakedNode(String prefix, SimulatedAgent agent) throws Exception {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 5);
    nodes.add(name);
    FederationE2E.createRegisteredNode(
        federation.bed.client("member-a"), name, agent.registration("member-a", name));
    Credentials provider = network.chain.fundedAccount(10);
    NodeRegistry asProvider = network.registryAs(provider);
    asProvider.stake(STAKE).send();
    String address = agent.address().toString();
    byte[] digest = asProvider.registrationDigest(address, provider.getAddress()).send();
    asProvider.registerNode(address, agent.key.sign(digest).toBytes()).send();
    StakedNode node = new StakedNode(name, agent, provider);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> host.resources(ComputeNode.class).withName(node.computeNode()).get(),
            c ->
                c != null
                    && c.getStatus() != null
                    && c.getStatus().getIdentity() != null
                    && node.address().equalsIgnoreCase(c.getStatus().getIdentity().getAddress())
                    && c.getStatus().getGpu() != null
                    && Integer.valueOf(2).equals(c.getStatus().getTier()));
    return node;
  }

  /** Eight H100s as listed, each measured at {@code measuredMiB}. */
  private static HardwareReport report(SimulatedAgent agent, int measuredMiB) {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    return new HardwareReport(
        agent.address(),
        System.currentTimeMillis(),
        "simulated",
        IntStream.range(0, 8)
            .mapToObj(
                i ->
                    new HardwareReport.Gpu(
                        "GPU-" + suffix + "-" + i, H100, 81559, measuredMiB, 900))
            .toList());
  }

  private static Slash slash(byte[] evidence) {
    return host.resources(Slash.class)
        .inNamespace(Federation.SECRETS_NAMESPACE)
        .withName(Slash.nameFor(Numeric.toHexString(evidence)))
        .get();
  }

  private static Slash awaitPhase(byte[] evidence, BatchPhase phase) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> slash(evidence),
            s -> s != null && s.getStatus() != null && s.getStatus().getPhase() == phase);
  }

  private static List<Slash> slashesOf(StakedNode node) {
    return host
        .resources(Slash.class)
        .inNamespace(Federation.SECRETS_NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(s -> s.getSpec().getComputeNode().equals(node.computeNode()))
        .toList();
  }

  /** The registry's Slashed events for this evidence. */
  private static int slashedEvents(byte[] evidence) throws Exception {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST,
            DefaultBlockParameterName.LATEST,
            network.registry.getContractAddress());
    filter.addSingleTopic(EventEncoder.encode(NodeRegistry.SLASHED_EVENT));
    filter.addNullTopic();
    filter.addNullTopic();
    filter.addSingleTopic(Numeric.toHexString(evidence));
    return network.chain.web3j.ethGetLogs(filter).send().getLogs().size();
  }

  private static BigInteger staked(StakedNode node) throws Exception {
    return network.registry.providerInfo(node.provider().getAddress()).send().staked;
  }

  private static ComputeNode awaitTier(StakedNode node, int tier) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> host.resources(ComputeNode.class).withName(node.computeNode()).get(),
            c -> c.getStatus() != null && Integer.valueOf(tier).equals(c.getStatus().getTier()));
  }

  private static void awaitTierLabel(StakedNode node, String tier) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                federation
                    .bed
                    .client("member-a")
                    .nodes()
                    .withName(node.name())
                    .get()
                    .getMetadata()
                    .getLabels()
                    .get("aifabric.io/tier"),
            tier::equals);
  }
}
