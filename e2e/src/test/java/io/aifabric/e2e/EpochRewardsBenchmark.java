package io.aifabric.e2e;

import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.EpochRewards;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.RegistrySignup;
import io.aifabric.escrow.contracts.AvailabilityRewards;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.protocol.RewardTree;
import io.aifabric.protocol.RewardTree.NodeScore;
import io.aifabric.testing.AnvilChain;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * An epoch's rewards at scale: the Merkle tree of 100,000 nodes' scores (time and heap in one JVM,
 * budget < 2 s and < 100 MiB), and on a real chain (anvil) the gas of posting an epoch's root
 * (constant: a root, whatever the node count) and of one claim against that 100,000-leaf tree (17
 * proof hashes) beside a 10-leaf one. Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipTests && ./mvnw -B verify -pl e2e -Dit.test=EpochRewardsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/epoch-rewards.txt.
 */
class EpochRewardsBenchmark {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final int NODES = Integer.getInteger("aifabric.bench.nodes", 100_000);

  @Test
  void epochRewardsForAHundredThousandNodes() throws Exception {
    List<String> report = new ArrayList<>();
    Random random = new Random(42);
    List<NodeScore> scores = new ArrayList<>(NODES);
    for (int i = 0; i < NODES; i++) {
      byte[] address = new byte[20];
      random.nextBytes(address);
      scores.add(new NodeScore(Numeric.toHexString(address), 1 + random.nextInt(255)));
    }

    long[] millis = new long[7];
    for (int round = 0; round < millis.length; round++) {
      System.gc();
      long start = System.nanoTime();
      RewardTree.of(7, scores);
      millis[round] = (System.nanoTime() - start) / 1_000_000;
    }
    long[] warm = Arrays.copyOfRange(millis, 2, millis.length);
    Arrays.sort(warm);
    // Memory: what the tree keeps, and the peak while it is built, beyond the scores themselves.
    System.gc();
    long base = heapUsed();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    RewardTree kept = RewardTree.of(7, scores);
    long peak = heapPeak();
    System.gc();
    long retained = heapUsed() - base;
    report.add(
        String.format(
            Locale.ROOT,
            "tree of %,d nodes: median %d ms, max %d ms (first two runs, JIT warming: %d, %d ms);"
                + " the tree keeps %.1f MiB of heap, at most %.1f MiB above the scores while built"
                + " (garbage included)",
            NODES,
            warm[warm.length / 2],
            warm[warm.length - 1],
            millis[0],
            millis[1],
            retained / 1048576.0,
            (peak - base) / 1048576.0));
    String someone = scores.get(NODES / 2).node();
    long proofStart = System.nanoTime();
    List<byte[]> proof = kept.proof(someone);
    report.add(
        String.format(
            Locale.ROOT,
            "one node's proof: %d hashes in %d µs",
            proof.size(),
            (System.nanoTime() - proofStart) / 1000));

    try (AnvilChain chain = AnvilChain.start(Path.of("target/bench/anvil-rewards.log"))) {
      Credentials deployer = chain.fundedAccount(1_000);
      List<Credentials> oracles = List.of(chain.fundedAccount(1), chain.fundedAccount(1));
      List<String> oracleAddresses = oracles.stream().map(Credentials::getAddress).toList();
      NodeRegistry registry =
          NodeRegistry.deploy(
                  chain.web3j,
                  chain.transactions(deployer),
                  AnvilChain.gas(),
                  deployer.getAddress(),
                  oracleAddresses,
                  BigInteger.TWO,
                  BigInteger.valueOf(3600),
                  BigInteger.valueOf(3600),
                  List.of(ETHER, ETHER.multiply(BigInteger.TWO), ETHER.multiply(BigInteger.TEN)))
              .send();
      AvailabilityRewards rewards =
          AvailabilityRewards.deploy(
                  chain.web3j,
                  chain.transactions(deployer),
                  AnvilChain.gas(),
                  deployer.getAddress(),
                  oracleAddresses,
                  BigInteger.TWO,
                  registry.getContractAddress(),
                  BigInteger.valueOf(3600))
              .send();
      ContractDomain registryDomain =
          ContractDomain.nodeRegistry(AnvilChain.CHAIN_ID, registry.getContractAddress());
      ContractDomain rewardsDomain =
          ContractDomain.availabilityRewards(AnvilChain.CHAIN_ID, rewards.getContractAddress());
      rewards.fund(ETHER.multiply(BigInteger.TEN)).send();
      // One real node in each tree (its provider registered it), the rest random leaves.
      Credentials provider = chain.fundedAccount(10);
      Credentials node = Credentials.create(Keys.createEcKeyPair());
      NodeRegistry asProvider =
          NodeRegistry.load(
              registry.getContractAddress(),
              chain.web3j,
              chain.transactions(provider),
              AnvilChain.gas());
      asProvider.stake(ETHER).send();
      byte[] registration =
          OracleSignatures.sign(
                  new RegistrySignup(node.getAddress(), provider.getAddress(), 0)
                      .digest(registryDomain),
                  node.getEcKeyPair())
              .rsv();
      asProvider.registerNode(node.getAddress(), registration).send();

      for (int size : new int[] {10, NODES}) {
        long epoch = size;
        List<NodeScore> leaves = new ArrayList<>(scores.subList(0, size - 1));
        leaves.add(new NodeScore(node.getAddress(), 200));
        RewardTree epochTree = RewardTree.of(epoch, leaves);
        long deadline =
            chain
                    .web3j
                    .ethGetBlockByNumber(
                        org.web3j.protocol.core.DefaultBlockParameterName.LATEST, false)
                    .send()
                    .getBlock()
                    .getTimestamp()
                    .longValueExact()
                + 3600;
        EpochRewards posted = EpochRewards.of(epochTree, ETHER, deadline);
        byte[] digest = posted.digest(rewardsDomain);
        byte[] signatures =
            OracleSignatures.combine(
                oracles.stream()
                    .map(o -> OracleSignatures.sign(digest, o.getEcKeyPair()))
                    .toList());
        TransactionReceipt post =
            rewards
                .postEpoch(
                    BigInteger.valueOf(epoch),
                    epochTree.root(),
                    BigInteger.valueOf(epochTree.totalScore()),
                    ETHER,
                    BigInteger.valueOf(deadline),
                    signatures)
                .send();
        List<byte[]> nodeProof = epochTree.proof(node.getAddress());
        TransactionReceipt claim =
            rewards
                .claim(
                    BigInteger.valueOf(epoch),
                    node.getAddress(),
                    BigInteger.valueOf(200),
                    nodeProof)
                .send();
        report.add(
            String.format(
                Locale.ROOT,
                "%,d-node epoch: postEpoch %,d gas (2 oracle signatures); one claim %,d gas"
                    + " (%d proof hashes)",
                size,
                post.getGasUsed(),
                claim.getGasUsed(),
                nodeProof.size()));
      }
    }
    Path out = Path.of("target/bench/epoch-rewards.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  /** The sum of the heap pools' peaks since they were reset. */
  private static long heapPeak() {
    return sumOfHeapPools(pool -> pool.getPeakUsage().getUsed());
  }

  private static long heapUsed() {
    return sumOfHeapPools(pool -> pool.getUsage().getUsed());
  }

  private static long sumOfHeapPools(java.util.function.ToLongFunction<MemoryPoolMXBean> measure) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP)
        .mapToLong(measure)
        .sum();
  }
}
