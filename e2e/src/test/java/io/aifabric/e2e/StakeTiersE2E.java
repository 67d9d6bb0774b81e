package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.EnvVar;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.PlacementConstraints;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.SlashAttestation;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.api.model.Condition;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.utils.Numeric;

/**
 * The provider's stake sets its nodes' tier: a real NodeRegistry on anvil, a provider that stakes
 * and registers a node with the node key's own signature, and the operator reading the registry's
 * events into ComputeNode status and the member Node's tier label, which placement and the extender
 * follow.
 */
@Order(18)
class StakeTiersE2E extends FederatedE2E {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final BigInteger STAKE =
      ETHER.multiply(BigInteger.valueOf(5)).divide(BigInteger.TWO);
  private static AnvilChain chain;
  private static NodeRegistry registry;
  private static Credentials provider;
  private static Credentials governance;

  @BeforeAll
  static void deploy(TestBed bed) throws Exception {
    chain = AnvilChain.start(bed.dir().resolve("anvil-stake/anvil.log"));
    governance = chain.fundedAccount(10);
    provider = chain.fundedAccount(20);
    registry =
        NodeRegistry.deploy(
                chain.web3j,
                chain.transactions(governance),
                AnvilChain.gas(),
                governance.getAddress(),
                List.of(governance.getAddress()),
                BigInteger.ONE,
                BigInteger.valueOf(3600),
                BigInteger.valueOf(3600),
                List.of(
                    ETHER, ETHER.multiply(BigInteger.TWO), ETHER.multiply(BigInteger.valueOf(3))))
            .send();
    federation.operator.restartWith(
        Map.of(
            "AIFABRIC_CHAIN_RPC_URL", chain.url(),
            "AIFABRIC_CHAIN_REGISTRY", registry.getContractAddress(),
            "AIFABRIC_CHAIN_REGISTRY_POLL", "1s"));
  }

  @AfterAll
  static void stop() {
    if (chain != null) {
      chain.close();
    }
  }

  @Test
  void aStakedProvidersNodeGetsTheJobsThatAskItsTierAndLosesThemWhenSlashedOrSuspended(TestBed bed)
      throws Exception {
    List<String> nodes = bigGpuNodes("member-b");
    String staked = nodes.get(0);
    String unregistered = nodes.get(1);
    Path dir = Files.createDirectories(bed.dir().resolve("stake-tiers"));
    Path providerKey = keyFile(dir.resolve("provider.key"), provider);
    Path strangerKey = keyFile(dir.resolve("stranger.key"), chain.fundedAccount(5));
    // The node's real agent, told its provider and registry by its chart, signs its registration.
    try (AgentProcess agent =
            NodeAgents.start(
                bed,
                federation,
                "member-b",
                staked,
                Map.of(
                    "AIFABRIC_AGENT_CHAIN_ID", String.valueOf(AnvilChain.CHAIN_ID),
                    "AIFABRIC_AGENT_CHAIN_REGISTRY", registry.getContractAddress(),
                    "AIFABRIC_AGENT_CHAIN_PROVIDER", provider.getAddress()));
        SimulatedAgent other = SimulatedAgent.registeredOn(federation, "member-b", unregistered)) {
      ComputeNode signed =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      federation
                          .host
                          .resources(ComputeNode.class)
                          .withName("member-b." + staked)
                          .get(),
                  c ->
                      c.getStatus() != null
                          && c.getStatus().getIdentity() != null
                          && c.getStatus().getIdentity().getChainRegistration() != null);
      assertThat(signed.getStatus().getIdentity().getChainRegistration().getProvider())
          .isEqualTo(provider.getAddress().toLowerCase(Locale.ROOT));

      // Another key than the provider the node agreed to serve: refused before anything is sent.
      CommandResult stranger =
          cli("register-node", "member-b." + staked, "--key", strangerKey.toString());
      assertThat(stranger.exitCode()).isEqualTo(1);
      assertThat(stranger.stderr())
          .contains("agreed to serve " + provider.getAddress().toLowerCase(Locale.ROOT));
      assertThat(registry.providerOf(signed.getStatus().getIdentity().getAddress()).send())
          .isEqualTo("0x" + "0".repeat(40));

      // The provider stakes for tier 2 and registers the node, with its own key.
      CommandResult stake = cli("stake", "--amount", "2.5", "--key", providerKey.toString());
      assertThat(stake.exitCode()).as(stake.stderr()).isZero();
      assertThat(stake.stdout()).contains("tier now 2");
      CommandResult register =
          cli("register-node", "member-b." + staked, "--key", providerKey.toString());
      assertThat(register.exitCode()).as(register.stderr()).isZero();
      assertThat(registry.providerOf(signed.getStatus().getIdentity().getAddress()).send())
          .isEqualToIgnoringCase(provider.getAddress());

      ComputeNode tier2 = awaitTier("member-b." + staked, 2);
      assertThat(tier2.getStatus().getStake()).isEqualTo(STAKE.toString());
      assertThat(tier2.getStatus().getProvider())
          .isEqualTo(provider.getAddress().toLowerCase(Locale.ROOT));
      assertThat(Federation.condition(tier2, "OnChain"))
          .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Registered"));
      ComputeNode tier0 = awaitTier("member-b." + unregistered, 0);
      assertThat(Federation.condition(tier0, "OnChain").map(Condition::getReason))
          .hasValue("NotRegistered");
      awaitTierLabel(staked, "2");
      awaitTierLabel(unregistered, "0");

      // A job asking tier 2 goes to that node and no other.
      AIJob placed = federation.create(askingTier("tier-2-job", 2));
      AIJob done = federation.awaitPhase(placed, JobPhase.Succeeded, Duration.ofSeconds(90));
      assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo("member-b");
      assertThat(done.getStatus().getPlacement().getNodes()).containsExactly(staked);
      // Whichever scheduler the member runs, its pods may only go to a node of that tier.
      var memberJob =
          federation
              .bed
              .client("member-b")
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .withLabel("aifabric.io/job-uid", done.getMetadata().getUid())
              .list()
              .getItems()
              .get(0);
      assertThat(
              memberJob
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getAffinity()
                  .getNodeAffinity()
                  .getRequiredDuringSchedulingIgnoredDuringExecution()
                  .getNodeSelectorTerms()
                  .get(0)
                  .getMatchExpressions())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.getKey()).isEqualTo("aifabric.io/tier");
                assertThat(r.getOperator()).isEqualTo("Gt");
                assertThat(r.getValues()).containsExactly("1");
              });

      // The oracles (here one, the threshold) attest a finding: the provider is slashed on chain;
      // the node shows the slash, the smaller stake, and probation's tier 1; a tier-2 job waits.
      String nodeAddress = signed.getStatus().getIdentity().getAddress();
      BigInteger amount = ETHER.divide(BigInteger.TEN);
      byte[] evidence = Hash.sha3("VRAM short on gpu 0".getBytes(StandardCharsets.UTF_8));
      long deadline = System.currentTimeMillis() / 1000 + 3600;
      SlashAttestation slash =
          new SlashAttestation(provider.getAddress(), nodeAddress, amount, evidence, deadline);
      byte[] attested =
          OracleSignatures.combine(
              List.of(
                  OracleSignatures.sign(
                      slash.digest(
                          ContractDomain.nodeRegistry(
                              AnvilChain.CHAIN_ID, registry.getContractAddress())),
                      governance.getEcKeyPair())));
      var slashed =
          registry
              .slash(
                  provider.getAddress(),
                  nodeAddress,
                  amount,
                  evidence,
                  BigInteger.valueOf(deadline),
                  attested)
              .send();
      ComputeNode probation = awaitTier("member-b." + staked, 1);
      assertThat(probation.getStatus().getStake()).isEqualTo(STAKE.subtract(amount).toString());
      assertThat(probation.getStatus().getSlashes())
          .singleElement()
          .satisfies(
              x -> {
                assertThat(x.getEvidence()).isEqualTo(Numeric.toHexString(evidence));
                assertThat(x.getTaken()).isEqualTo(amount.toString());
                assertThat(x.getTransaction()).isEqualTo(slashed.getTransactionHash());
              });
      assertThat(Federation.condition(probation, "OnChain").orElseThrow().getMessage())
          .contains("on probation after a slash until");
      awaitTierLabel(staked, "1");
      AIJob waiting = federation.create(askingTier("tier-2-waits", 2));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                AIJob now = federation.get(waiting);
                assertThat(now.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
                assertThat(Federation.condition(now, "Placed"))
                    .hasValueSatisfying(
                        c -> assertThat(c.getMessage()).contains("no node of tier 2 or above"));
              });

      // Governance suspends the provider: its node takes no new work at all.
      NodeRegistry.load(
              registry.getContractAddress(),
              chain.web3j,
              chain.transactions(governance),
              AnvilChain.gas())
          .setFlags(provider.getAddress(), BigInteger.ONE)
          .send();
      ComputeNode suspended =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () ->
                      federation
                          .host
                          .resources(ComputeNode.class)
                          .withName("member-b." + staked)
                          .get(),
                  c ->
                      Federation.condition(c, "Schedulable")
                          .map(x -> "ProviderSuspended".equals(x.getReason()))
                          .orElse(false));
      assertThat(Federation.condition(suspended, "Schedulable").orElseThrow().getStatus())
          .isEqualTo("False");
      assertThat(Federation.condition(suspended, "OnChain").orElseThrow().getReason())
          .isEqualTo("Suspended");
    }
  }

  private static CommandResult cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--rpc", chain.url(), "--registry", registry.getContractAddress()));
    if (args[0].equals("register-node")) {
      all.addAll(List.of("--kubeconfig", federation.bed.kubeconfig(TestBed.HOST).toString()));
    }
    return AifabricCli.run(all.toArray(String[]::new));
  }

  private static Path keyFile(Path file, Credentials account) throws Exception {
    Files.writeString(
        file, Numeric.toHexStringWithPrefixZeroPadded(account.getEcKeyPair().getPrivateKey(), 64));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** Two GPU nodes of a member that fit the example job (20 GiB GPUs), by name. */
  private static List<String> bigGpuNodes(String cluster) {
    return federation
        .host
        .resources(ComputeNode.class)
        .withLabel("aifabric.io/cluster", cluster)
        .list()
        .getItems()
        .stream()
        .filter(c -> c.getStatus() != null && c.getStatus().getGpu() != null)
        .filter(c -> c.getStatus().getGpu().getMemoryMiB() >= 20480)
        .map(c -> c.getSpec().getNodeName())
        .sorted(Comparator.naturalOrder())
        .limit(2)
        .toList();
  }

  private static AIJob askingTier(String name, int tier) throws Exception {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, name);
    PlacementConstraints placement = new PlacementConstraints();
    placement.setMinTier(tier);
    job.getSpec().setPlacement(placement);
    EnvVar runtime = new EnvVar();
    runtime.setName("SIMULATED_RUNTIME");
    runtime.setValue("2s");
    job.getSpec().getEnv().add(runtime);
    return job;
  }

  private static ComputeNode awaitTier(String name, int tier) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> federation.host.resources(ComputeNode.class).withName(name).get(),
            c -> c.getStatus() != null && Integer.valueOf(tier).equals(c.getStatus().getTier()));
  }

  private static void awaitTierLabel(String node, String tier) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                federation
                    .bed
                    .client("member-b")
                    .nodes()
                    .withName(node)
                    .get()
                    .getMetadata()
                    .getLabels()
                    .get("aifabric.io/tier"),
            tier::equals);
  }
}
