package io.aifabric.e2e;

import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.RegistrySignup;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.AnvilChain;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.utils.Numeric;

/**
 * What keeping NodeRegistry's view costs the operator's chain endpoint: 10,000 nodes registered on
 * anvil by 100 providers, the operator (its real jar, on the test bed) reading the registry, and
 * its {@code aifabric_registry_rpc_calls_total} counted — the first sync, a steady minute, and a
 * minute in which 10 providers change their stake. Budget: independent of the node count between
 * stake changes. Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipTests && ./mvnw -B verify -pl e2e -Dit.test=RegistryReadsBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/registry-reads.txt.
 */
@ExtendWith(TestBedExtension.class)
class RegistryReadsBenchmark {
  private static final BigInteger ETHER = BigInteger.TEN.pow(18);
  private static final int PROVIDERS = 100;
  private static final int NODES_PER_PROVIDER =
      Integer.getInteger("aifabric.bench.nodes", 10_000) / PROVIDERS;

  @Test
  void chainReadsDoNotGrowWithTheNodes(TestBed bed) throws Exception {
    List<String> report = new ArrayList<>();
    try (AnvilChain chain = AnvilChain.start(bed.dir().resolve("anvil-registry/anvil.log"));
        Federation federation = Federation.start(bed)) {
      Credentials governance = chain.fundedAccount(10);
      NodeRegistry registry =
          NodeRegistry.deploy(
                  chain.web3j,
                  chain.transactions(governance),
                  AnvilChain.gas(),
                  governance.getAddress(),
                  List.of(governance.getAddress()),
                  BigInteger.ONE,
                  BigInteger.valueOf(3600),
                  BigInteger.valueOf(3600),
                  List.of(ETHER, ETHER.multiply(BigInteger.TWO), ETHER.multiply(BigInteger.TEN)))
              .send();
      ContractDomain domain =
          ContractDomain.nodeRegistry(AnvilChain.CHAIN_ID, registry.getContractAddress());
      List<Credentials> providers = new ArrayList<>();
      long start = System.nanoTime();
      String last = null;
      for (int p = 0; p < PROVIDERS; p++) {
        Credentials provider = chain.fundedAccount(100);
        providers.add(provider);
        long nonce = 0;
        send(
            chain,
            provider,
            nonce++,
            registry.getContractAddress(),
            ETHER.multiply(BigInteger.TWO),
            FunctionEncoder.encode(new Function("stake", List.of(), List.of())));
        for (int n = 0; n < NODES_PER_PROVIDER; n++) {
          Credentials node = Credentials.create(Keys.createEcKeyPair());
          byte[] signature =
              OracleSignatures.sign(
                      new RegistrySignup(node.getAddress(), provider.getAddress(), 0)
                          .digest(domain),
                      node.getEcKeyPair())
                  .rsv();
          last =
              send(
                  chain,
                  provider,
                  nonce++,
                  registry.getContractAddress(),
                  BigInteger.ZERO,
                  FunctionEncoder.encode(
                      new Function(
                          "registerNode",
                          List.of(new Address(node.getAddress()), new DynamicBytes(signature)),
                          List.of())));
        }
      }
      awaitMined(chain, last);
      long blocks = chain.web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
      report.add(
          String.format(
              Locale.ROOT,
              "%,d nodes of %d providers registered on anvil in %.0f s (%,d blocks)",
              PROVIDERS * NODES_PER_PROVIDER,
              PROVIDERS,
              (System.nanoTime() - start) / 1e9,
              blocks));

      long restarted = System.nanoTime();
      federation.operator.restartWith(
          Map.of(
              "AIFABRIC_CHAIN_RPC_URL", chain.url(),
              "AIFABRIC_CHAIN_REGISTRY", registry.getContractAddress()));
      // The first sync: every event since the deployment, then each provider's stake and tier.
      // providerInfo and tierOf per provider, at least; then a poll's worth of quiet.
      while (calls(federation) < 2L * PROVIDERS) {
        Thread.sleep(200);
      }
      Thread.sleep(6_000);
      long synced = calls(federation);
      report.add(
          String.format(
              Locale.ROOT,
              "first sync (operator start included): %,d calls, within %.0f s",
              synced,
              (System.nanoTime() - restarted) / 1e9));

      Thread.sleep(60_000);
      long steady = calls(federation) - synced;
      report.add(String.format(Locale.ROOT, "a steady minute: %,d calls (poll every 5 s)", steady));

      long before = calls(federation);
      for (int p = 0; p < 10; p++) {
        Credentials provider = providers.get(p);
        long nonce =
            chain
                .web3j
                .ethGetTransactionCount(
                    provider.getAddress(),
                    org.web3j.protocol.core.DefaultBlockParameterName.PENDING)
                .send()
                .getTransactionCount()
                .longValueExact();
        awaitMined(
            chain,
            send(
                chain,
                provider,
                nonce,
                registry.getContractAddress(),
                ETHER,
                FunctionEncoder.encode(new Function("stake", List.of(), List.of()))));
      }
      Thread.sleep(60_000);
      report.add(
          String.format(
              Locale.ROOT,
              "a minute with 10 providers' stake changing: %,d calls",
              calls(federation) - before));
    }
    Path out = Path.of("target/bench/registry-reads.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  private static long calls(Federation federation) throws Exception {
    for (String line : federation.operator.metrics().split("\n")) {
      if (line.startsWith("aifabric_registry_rpc_calls_total")) {
        return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static String send(
      AnvilChain chain, Credentials from, long nonce, String to, BigInteger value, String data)
      throws Exception {
    RawTransaction tx =
        RawTransaction.createTransaction(
            AnvilChain.CHAIN_ID,
            BigInteger.valueOf(nonce),
            BigInteger.valueOf(300_000),
            to,
            value,
            data,
            BigInteger.TEN.pow(9),
            BigInteger.TEN.pow(11));
    var sent =
        chain
            .web3j
            .ethSendRawTransaction(Numeric.toHexString(TransactionEncoder.signMessage(tx, from)))
            .send();
    if (sent.hasError()) {
      throw new IllegalStateException(sent.getError().getMessage());
    }
    // One at a time, each mined before the next is sent: anvil stopped mining a long queue of
    // one sender's transactions (after ~2,500) when they were sent without waiting.
    awaitMined(chain, sent.getTransactionHash());
    return sent.getTransactionHash();
  }

  private static void awaitMined(AnvilChain chain, String hash) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (chain.web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt().isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("transaction " + hash + " not mined in 60 s");
      }
      Thread.sleep(2);
    }
  }
}
