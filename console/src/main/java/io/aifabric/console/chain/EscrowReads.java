package io.aifabric.console.chain;

import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.OkHttpClient;
import org.jboss.logging.Logger;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * Reads the escrow's own accounts from the chain, read-only: {@code eth_chainId}, {@code
 * eth_blockNumber}, {@code eth_getBalance} and {@code eth_call} of two view functions ({@code
 * totalHeld()}, {@code settlementNonce()}) — nothing that needs a key, and the console holds none.
 * Read on a timer, once per refresh period whatever the number of open pages; a page shows the last
 * figures read and when. {@link EscrowDeposits} reads one job's deposit through it.
 */
@ApplicationScoped
public class EscrowReads implements ChainFiguresSource {
  private static final Logger LOG = Logger.getLogger(EscrowReads.class);

  private final Web3j web3j;
  private final String escrow;
  private final Clock clock = Clock.systemUTC();
  private final AtomicReference<ChainFigures> last = new AtomicReference<>();

  public EscrowReads(ChainConfig config) {
    if (config.rpcUrl().isPresent() && config.escrow().isPresent()) {
      OkHttpClient http =
          new OkHttpClient.Builder()
              .callTimeout(config.timeout())
              .connectTimeout(config.timeout())
              .readTimeout(config.timeout())
              .build();
      this.web3j = Web3j.build(new HttpService(config.rpcUrl().get(), http));
      this.escrow = config.escrow().get().toLowerCase(Locale.ROOT);
    } else {
      this.web3j = null;
      this.escrow = null;
    }
  }

  /** The last figures read, if a chain is configured and has been read. */
  @Override
  public Optional<ChainFigures> figures() {
    return Optional.ofNullable(last.get());
  }

  @Scheduled(every = "${aifabric.console.chain.refresh:10s}", delayed = "1s")
  void refresh() {
    if (web3j == null) {
      return;
    }
    try {
      long chainId =
          checked(web3j.ethChainId().send(), "eth_chainId").getChainId().longValueExact();
      BigInteger block = latestBlock();
      // Every figure as of that one block, so that they agree with each other.
      DefaultBlockParameter at = DefaultBlockParameter.valueOf(block);
      BigInteger balance =
          checked(web3j.ethGetBalance(escrow, at).send(), "eth_getBalance").getBalance();
      BigInteger held = call("totalHeld", new TypeReference<Uint256>() {}, at);
      BigInteger settlements = call("settlementNonce", new TypeReference<Uint64>() {}, at);
      last.set(
          ChainFigures.read(
              chainId,
              block.longValueExact(),
              escrow,
              held,
              balance,
              settlements.longValueExact(),
              clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    } catch (IOException | RuntimeException e) {
      ChainFigures before = last.get();
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      last.set(
          before == null
              ? new ChainFigures(0, 0, escrow, null, null, 0, null, why)
              : before.failed(why));
      LOG.warnf("reading the chain failed: %s", why);
    }
  }

  /** A view function of the escrow with no arguments and one number back. */
  @SuppressWarnings({"rawtypes", "unchecked"})
  private <T extends Type> BigInteger call(
      String name, TypeReference<T> returns, DefaultBlockParameter at) throws IOException {
    Function function = new Function(name, List.of(), List.of((TypeReference) returns));
    return (BigInteger) view(function, at).get(0).getValue();
  }

  /** True when a chain and an escrow are configured. */
  boolean configured() {
    return web3j != null;
  }

  /** The chain's latest block. */
  BigInteger latestBlock() throws IOException {
    return checked(web3j.ethBlockNumber().send(), "eth_blockNumber").getBlockNumber();
  }

  /** A view function of the escrow at a block: its outputs, decoded. */
  @SuppressWarnings("rawtypes")
  List<Type> view(Function function, DefaultBlockParameter at) throws IOException {
    String name = function.getName();
    var result =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    null, escrow, FunctionEncoder.encode(function)),
                at)
            .send();
    if (result.hasError()) {
      throw new IOException(name + " failed: " + result.getError().getMessage());
    }
    List<Type> values =
        FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
    if (values.isEmpty()) {
      throw new IOException(
          name + " answered " + result.getValue() + ": is " + escrow + " the JobEscrow?");
    }
    return values;
  }

  private static <R extends Response<?>> R checked(R response, String method) throws IOException {
    if (response.hasError()) {
      throw new IOException(method + " failed: " + response.getError().getMessage());
    }
    return response;
  }

  @PreDestroy
  void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
