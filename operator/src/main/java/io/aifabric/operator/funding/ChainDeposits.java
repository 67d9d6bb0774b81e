package io.aifabric.operator.funding;

import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.chain.ChainRpc;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.DefaultBlockParameterName;

/**
 * JobEscrow's deposits through {@code eth_call}: {@code jobIdOf(payer, key)}, then {@code
 * depositOf(id)}. Two calls per look at an unfunded job, which happens once per pending retry, not
 * per probe. The operator holds no key and sends nothing.
 */
@ApplicationScoped
public class ChainDeposits implements DepositSource {
  private final ChainRpc rpc;
  private final String escrow;

  public ChainDeposits(OperatorConfig config, ChainRpc rpc) {
    this.rpc = rpc;
    this.escrow =
        rpc.configured() && config.chain().escrow().isPresent()
            ? config.chain().escrow().get().toLowerCase(Locale.ROOT)
            : null;
  }

  @Override
  public boolean configured() {
    return escrow != null;
  }

  @Override
  public Optional<EscrowDeposit> find(String payer, byte[] depositKey) throws IOException {
    List<Type> found =
        call(
            new Function(
                "jobIdOf",
                List.of(new Address(payer.toLowerCase(Locale.ROOT)), new Bytes32(depositKey)),
                List.of(new TypeReference<Bool>() {}, new TypeReference<Uint64>() {})));
    if (!((Bool) found.get(0)).getValue()) {
      return Optional.empty();
    }
    BigInteger id = ((Uint64) found.get(1)).getValue();
    List<Type> d =
        call(
            new Function(
                "depositOf",
                List.of(new Uint64(id)),
                List.of(
                    new TypeReference<Address>() {},
                    new TypeReference<Address>() {},
                    new TypeReference<Uint32>() {},
                    new TypeReference<Uint256>() {},
                    new TypeReference<Uint64>() {},
                    new TypeReference<Bool>() {})));
    return Optional.of(
        new EscrowDeposit(
            id.longValueExact(),
            ((Address) d.get(0)).getValue(),
            ((Address) d.get(1)).getValue(),
            ((Uint256) d.get(3)).getValue(),
            Instant.ofEpochSecond(((Uint64) d.get(4)).getValue().longValueExact()),
            ((Bool) d.get(5)).getValue()));
  }

  @Override
  public Instant chainTime() throws IOException {
    var block = rpc.web3j().ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send();
    if (block.hasError() || block.getBlock() == null) {
      throw new IOException("no latest block: " + ChainRpc.errorOf(block));
    }
    return Instant.ofEpochSecond(block.getBlock().getTimestamp().longValueExact());
  }

  @SuppressWarnings("rawtypes")
  private List<Type> call(Function function) throws IOException {
    return rpc.call(escrow, function, "JobEscrow");
  }
}
