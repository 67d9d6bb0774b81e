package io.aifabric.operator.chain;

import io.aifabric.operator.OperatorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import okhttp3.OkHttpClient;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.http.HttpService;

/**
 * The operator's read-only JSON-RPC connection to the network's chain ({@code aifabric.chain
 * .rpc-url}), shared by everything that reads a contract: one HTTP client, bounded waits. The
 * operator holds no key and sends nothing.
 */
@ApplicationScoped
public class ChainRpc {
  private final Web3j web3j;

  public ChainRpc(OperatorConfig config) {
    var chain = config.chain();
    if (chain.rpcUrl().isPresent()) {
      OkHttpClient http =
          new OkHttpClient.Builder()
              .callTimeout(chain.rpcTimeout())
              .connectTimeout(chain.rpcTimeout())
              .readTimeout(chain.rpcTimeout())
              .build();
      this.web3j = Web3j.build(new HttpService(chain.rpcUrl().get(), http));
    } else {
      this.web3j = null;
    }
  }

  public boolean configured() {
    return web3j != null;
  }

  /** The client; only when {@link #configured()}. */
  public Web3j web3j() {
    if (web3j == null) {
      throw new IllegalStateException("no chain is configured (aifabric.chain.rpc-url)");
    }
    return web3j;
  }

  /**
   * Calls a view function of {@code contract} at the latest block.
   *
   * @param what the contract's kind, for an error that says what the address should have been
   */
  @SuppressWarnings("rawtypes")
  public List<Type> call(String contract, Function function, String what) throws IOException {
    var result =
        web3j()
            .ethCall(
                Transaction.createEthCallTransaction(
                    null, contract, FunctionEncoder.encode(function)),
                DefaultBlockParameterName.LATEST)
            .send();
    if (result.hasError()) {
      throw new IOException(function.getName() + " failed: " + result.getError().getMessage());
    }
    List<Type> values =
        FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
    if (values.size() != function.getOutputParameters().size()) {
      throw new IOException(
          function.getName()
              + " answered "
              + result.getValue()
              + ": is "
              + contract
              + " a "
              + what
              + "?");
    }
    return values;
  }

  public static String errorOf(Response<?> response) {
    return response.hasError() ? response.getError().getMessage() : "empty answer";
  }

  @PreDestroy
  void close() {
    if (web3j != null) {
      web3j.shutdown();
    }
  }
}
