package io.aifabric.escrow.rewards;

import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.contracts.AvailabilityRewards;
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
 * The bridge's view of AvailabilityRewards, when one is configured: whether (and where) an epoch
 * was posted, the pool, and the contract's own oracle set. Reads only, over the escrow's connection
 * to the same chain; at start-up it refuses to run when no contract is deployed at the address.
 */
@Startup
@ApplicationScoped
public class RewardsChain {
  /** An epoch as its EpochPosted event records it. */
  public record Posted(
      byte[] root,
      long totalScore,
      BigInteger reward,
      String txHash,
      long blockNumber,
      String blockHash) {}

  private final EscrowChain chain;
  private final Optional<String> address;
  private final AvailabilityRewards rewards;

  public RewardsChain(BridgeConfig config, EscrowChain chain) {
    this.chain = chain;
    this.address = config.rewards().contract().map(a -> a.toLowerCase(Locale.ROOT));
    this.rewards =
        address
            .map(
                a ->
                    AvailabilityRewards.load(
                        a,
                        chain.web3j(),
                        new ReadonlyTransactionManager(chain.web3j(), a),
                        new DefaultGasProvider()))
            .orElse(null);
    address.ifPresent(a -> chain.requireContract(a, "rewards"));
  }

  public boolean enabled() {
    return rewards != null;
  }

  public String address() {
    return address.orElseThrow();
  }

  /** The contract's EIP-712 domain, from this bridge's own configuration. */
  public ContractDomain domain() {
    return ContractDomain.availabilityRewards(chain.chainId(), address());
  }

  /** Whether the epoch has a root on chain now. */
  public boolean isPosted(long epoch) throws Exception {
    byte[] root = rewards.epochOf(BigInteger.valueOf(epoch)).send().root;
    return root != null && new BigInteger(1, root).signum() != 0;
  }

  /** Funded ether no epoch has been promised, in wei. */
  public BigInteger unallocated() throws Exception {
    return rewards.unallocated().send();
  }

  public int threshold() throws Exception {
    return rewards.threshold().send().intValueExact();
  }

  public int oracleCount() throws Exception {
    return rewards.oracleCount().send().intValueExact();
  }

  /** Whether the contract counts this address's signatures now (asked every time). */
  public boolean isOracle(String oracle) throws Exception {
    return rewards.isOracle(oracle.toLowerCase(Locale.ROOT)).send();
  }

  /** The epoch's EpochPosted event on the canonical chain now, if there is one. */
  public Optional<Posted> posted(long epoch) throws IOException {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, address());
    filter.addSingleTopic(EventEncoder.encode(AvailabilityRewards.EPOCHPOSTED_EVENT));
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(epoch), 64));
    for (Log log : chain.canonicalLogs(filter)) {
      @SuppressWarnings("rawtypes")
      List<Type> values =
          FunctionReturnDecoder.decode(
              log.getData(), AvailabilityRewards.EPOCHPOSTED_EVENT.getNonIndexedParameters());
      return Optional.of(
          new Posted(
              (byte[]) values.get(0).getValue(),
              ((BigInteger) values.get(1).getValue()).longValueExact(),
              (BigInteger) values.get(2).getValue(),
              log.getTransactionHash(),
              log.getBlockNumber().longValueExact(),
              log.getBlockHash()));
    }
    return Optional.empty();
  }
}
