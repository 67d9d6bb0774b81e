package io.aifabric.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.escrow.contracts.AvailabilityRewards;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.protocol.RewardTree;
import io.aifabric.protocol.RewardTree.NodeScore;
import io.aifabric.testing.AnvilChain;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * NodeRegistry and AvailabilityRewards on a real chain (anvil), driven the way the bridge and the
 * node agents will: a node's key signs its registration in Java, oracles sign slashes and epoch
 * roots in Java over the digests computed in Java, and the reward tree is built in Java — each
 * accepted by the contracts, and each forgery or replay refused by them.
 */
class RegistryAndRewardsChainIT {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final long COOLDOWN = 7 * 24 * 3600;
  private static AnvilChain chain;
  private static List<Credentials> oracles;
  private static NodeRegistry registry;
  private static AvailabilityRewards rewards;
  private static ContractDomain registryDomain;
  private static ContractDomain rewardsDomain;

  @BeforeAll
  static void deploy() throws Exception {
    chain = AnvilChain.start(Path.of("target/anvil/registry.log"));
    Credentials deployer = chain.fundedAccount(1_000);
    oracles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      oracles.add(chain.fundedAccount(1));
    }
    List<String> oracleAddresses = oracles.stream().map(Credentials::getAddress).toList();
    registry =
        NodeRegistry.deploy(
                chain.web3j,
                chain.transactions(deployer),
                AnvilChain.gas(),
                deployer.getAddress(),
                oracleAddresses,
                BigInteger.TWO,
                BigInteger.valueOf(COOLDOWN),
                BigInteger.valueOf(30 * 24 * 3600),
                List.of(
                    ETHER, ETHER.multiply(BigInteger.TEN), ETHER.multiply(BigInteger.valueOf(100))))
            .send();
    rewards =
        AvailabilityRewards.deploy(
                chain.web3j,
                chain.transactions(deployer),
                AnvilChain.gas(),
                deployer.getAddress(),
                oracleAddresses,
                BigInteger.TWO,
                registry.getContractAddress(),
                BigInteger.valueOf(30 * 24 * 3600))
            .send();
    registryDomain =
        ContractDomain.nodeRegistry(AnvilChain.CHAIN_ID, registry.getContractAddress());
    rewardsDomain =
        ContractDomain.availabilityRewards(AnvilChain.CHAIN_ID, rewards.getContractAddress());
  }

  @AfterAll
  static void stop() {
    if (chain != null) {
      chain.close();
    }
  }

  @Test
  void theDigestsComputedInJavaAreTheOnesTheContractsCheck() throws Exception {
    String node = chain.fundedAccount(0).getAddress();
    String provider = chain.fundedAccount(0).getAddress();
    assertThat(new RegistrySignup(node, provider, 0).digest(registryDomain))
        .isEqualTo(registry.registrationDigest(node, provider).send());
    byte[] evidence = Hash.sha3("forged receipt".getBytes());
    assertThat(
            new SlashAttestation(provider, node, ETHER, evidence, 1_900_000_000L)
                .digest(registryDomain))
        .isEqualTo(
            registry
                .slashDigest(provider, node, ETHER, evidence, BigInteger.valueOf(1_900_000_000L))
                .send());
    RewardTree tree = RewardTree.of(3, List.of(new NodeScore(node, 200)));
    EpochRewards epoch = EpochRewards.of(tree, ETHER, 1_900_000_000L);
    assertThat(epoch.digest(rewardsDomain))
        .isEqualTo(
            rewards
                .epochDigest(
                    BigInteger.valueOf(3),
                    tree.root(),
                    BigInteger.valueOf(200),
                    ETHER,
                    BigInteger.valueOf(1_900_000_000L))
                .send());
  }

  @Test
  void nodesRegisterTheirProviderAndClaimTheirRewardsOnce() throws Exception {
    Credentials provider = chain.fundedAccount(20);
    NodeRegistry asProvider = as(provider);
    asProvider.stake(ETHER.multiply(BigInteger.TEN)).send();
    List<Credentials> nodes = new ArrayList<>();
    List<NodeScore> scores = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      Credentials node = chain.fundedAccount(0);
      nodes.add(node);
      scores.add(new NodeScore(node.getAddress(), 50L + 30 * i));
      byte[] signature = nodeSignature(node, provider.getAddress());
      assertThat(asProvider.registerNode(node.getAddress(), signature).send().isStatusOK())
          .isTrue();
      assertThat(registry.providerOf(node.getAddress()).send())
          .isEqualToIgnoringCase(provider.getAddress());
    }
    assertThat(registry.tierOf(provider.getAddress()).send().intValue()).isEqualTo(2);

    long epoch = 42;
    BigInteger reward = ETHER.multiply(BigInteger.valueOf(3));
    rewards.fund(reward).send();
    RewardTree tree = RewardTree.of(epoch, scores);
    EpochRewards posted = EpochRewards.of(tree, reward, deadline());
    rewards
        .postEpoch(
            BigInteger.valueOf(epoch),
            tree.root(),
            BigInteger.valueOf(tree.totalScore()),
            reward,
            BigInteger.valueOf(posted.deadline()),
            quorum(posted.digest(rewardsDomain)))
        .send();

    BigInteger before = chain.balance(provider.getAddress());
    BigInteger expected = BigInteger.ZERO;
    for (Credentials node : nodes) {
      String address = node.getAddress();
      long score = tree.scoreOf(address);
      TransactionReceipt claimed = claim(epoch, address, score, tree.proof(address));
      assertThat(claimed.isStatusOK()).isTrue();
      expected =
          expected.add(
              reward
                  .multiply(BigInteger.valueOf(score))
                  .divide(BigInteger.valueOf(tree.totalScore())));
    }
    // The claims were sent by the deployer: the provider received exactly its shares.
    assertThat(chain.balance(provider.getAddress()).subtract(before)).isEqualTo(expected);

    String first = nodes.get(0).getAddress();
    assertThatThrownBy(() -> claim(epoch, first, tree.scoreOf(first), tree.proof(first)))
        .hasMessageContaining("revert");
    assertThatThrownBy(() -> claim(epoch, first, tree.scoreOf(first) + 1, tree.proof(first)))
        .hasMessageContaining("revert");
  }

  @Test
  void aNodeSignatureForAnotherProviderAndAShortQuorumAreRefused() throws Exception {
    Credentials provider = chain.fundedAccount(5);
    Credentials thief = chain.fundedAccount(5);
    Credentials node = chain.fundedAccount(0);
    as(provider).stake(ETHER).send();
    as(thief).stake(ETHER).send();
    byte[] forProvider = nodeSignature(node, provider.getAddress());
    assertThatThrownBy(() -> as(thief).registerNode(node.getAddress(), forProvider).send())
        .hasMessageContaining("revert");

    byte[] evidence = Hash.sha3(node.getAddress().getBytes());
    SlashAttestation slash =
        new SlashAttestation(provider.getAddress(), node.getAddress(), ETHER, evidence, deadline());
    byte[] digest = slash.digest(registryDomain);
    byte[] one =
        OracleSignatures.combine(
            List.of(OracleSignatures.sign(digest, oracles.get(0).getEcKeyPair())));
    assertThatThrownBy(() -> slash(slash, one)).hasMessageContaining("revert");
    assertThat(slash(slash, quorum(digest)).isStatusOK()).isTrue();
    assertThat(registry.providerInfo(provider.getAddress()).send().staked)
        .isEqualTo(BigInteger.ZERO);
    assertThatThrownBy(() -> slash(slash, quorum(digest))).hasMessageContaining("revert");
  }

  private static byte[] nodeSignature(Credentials node, String provider) throws Exception {
    long nonce = registry.registrationNonce(node.getAddress()).send().longValue();
    byte[] digest = new RegistrySignup(node.getAddress(), provider, nonce).digest(registryDomain);
    return OracleSignatures.sign(digest, node.getEcKeyPair()).rsv();
  }

  private static byte[] quorum(byte[] digest) {
    return OracleSignatures.combine(
        oracles.subList(0, 2).stream()
            .map(o -> OracleSignatures.sign(digest, o.getEcKeyPair()))
            .toList());
  }

  private static TransactionReceipt claim(long epoch, String node, long score, List<byte[]> proof)
      throws Exception {
    return rewards.claim(BigInteger.valueOf(epoch), node, BigInteger.valueOf(score), proof).send();
  }

  private static TransactionReceipt slash(SlashAttestation slash, byte[] signatures)
      throws Exception {
    return registry
        .slash(
            slash.provider(),
            slash.node(),
            slash.amount(),
            slash.evidence(),
            BigInteger.valueOf(slash.deadline()),
            signatures)
        .send();
  }

  private static NodeRegistry as(Credentials account) {
    return NodeRegistry.load(
        registry.getContractAddress(), chain.web3j, chain.transactions(account), AnvilChain.gas());
  }

  private static long deadline() {
    return System.currentTimeMillis() / 1000 + 3600;
  }
}
