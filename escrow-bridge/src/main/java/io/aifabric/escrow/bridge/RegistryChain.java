package io.aifabric.escrow.bridge;

import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.contracts.NodeRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The bridge's view of NodeRegistry, when one is configured: which provider a node is registered
 * to, whether an evidence was slashed (and where), and the registry's own oracle set. Reads only,
 * over the escrow's connection to the same chain. At start-up it refuses to run when no contract is
 * deployed at the configured address.
 */
@Startup
@ApplicationScoped
public class RegistryChain {
  private static final String NO_ONE = "0x" + "0".repeat(40);

  /** A slash as the registry's Slashed event records it. */
  public record Slashed(
      String provider,
      String node,
      BigInteger requested,
      BigInteger taken,
      String txHash,
      long blockNumber,
      String blockHash) {}

  private final EscrowChain chain;
  private final Optional<String> address;
  private final NodeRegistry registry;

  public RegistryChain(BridgeConfig config, EscrowChain chain) {
    this.chain = chain;
    this.address = config.registry().map(a -> a.toLowerCase(Locale.ROOT));
    this.registry =
        address
            .map(
                a ->
                    NodeRegistry.load(
                        a,
                        chain.web3j(),
                        new ReadonlyTransactionManager(chain.web3j(), a),
                        new DefaultGasProvider()))
            .orElse(null);
    address.ifPresent(a -> chain.requireContract(a, "registry"));
  }

  public boolean enabled() {
    return registry != null;
  }

  public String address() {
    return address.orElseThrow();
  }

  /** The registry's EIP-712 domain, from this bridge's own configuration. */
  public ContractDomain domain() {
    return ContractDomain.nodeRegistry(chain.chainId(), address());
  }

  /** The provider the node is registered to now, if any. */
  public Optional<String> providerOf(String node) throws Exception {
    String provider = registry.providerOf(node.toLowerCase(Locale.ROOT)).send();
    return provider == null || provider.equalsIgnoreCase(NO_ONE)
        ? Optional.empty()
        : Optional.of(provider.toLowerCase(Locale.ROOT));
  }

  public boolean evidenceUsed(byte[] evidence) throws Exception {
    return registry.evidenceUsed(evidence).send();
  }

  public int threshold() throws Exception {
    return registry.threshold().send().intValueExact();
  }

  public int oracleCount() throws Exception {
    return registry.oracleCount().send().intValueExact();
  }

  /** Whether the registry counts this address's signatures now (asked every time). */
  public boolean isOracle(String oracle) throws Exception {
    return registry.isOracle(oracle.toLowerCase(Locale.ROOT)).send();
  }

  /** The slash for this evidence on the canonical chain now, if there is one. */
  public Optional<Slashed> slashed(byte[] evidence) throws IOException {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, address());
    filter.addSingleTopic(EventEncoder.encode(NodeRegistry.SLASHED_EVENT));
    filter.addNullTopic();
    filter.addNullTopic();
    filter.addSingleTopic(Numeric.toHexString(evidence));
    for (Log log : chain.canonicalLogs(filter)) {
      @SuppressWarnings("rawtypes")
      List<Type> values =
          FunctionReturnDecoder.decode(
              log.getData(), NodeRegistry.SLASHED_EVENT.getNonIndexedParameters());
      return Optional.of(
          new Slashed(
              topicAddress(log.getTopics().get(1)),
              topicAddress(log.getTopics().get(2)),
              (BigInteger) values.get(0).getValue(),
              (BigInteger) values.get(1).getValue(),
              log.getTransactionHash(),
              log.getBlockNumber().longValueExact(),
              log.getBlockHash()));
    }
    return Optional.empty();
  }

  private static String topicAddress(String topic) {
    return "0x" + topic.substring(topic.length() - 40).toLowerCase(Locale.ROOT);
  }
}
