package io.aifabric.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.exceptions.TransactionException;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * One of the network's contracts as a user's wallet talks to it: view calls, and transactions
 * signed with the user's own key here (the network never holds it). A transaction the contract
 * would refuse is refused before it is sent (gas estimation runs it), with the contract's own
 * custom error named.
 */
final class ContractClient implements AutoCloseable {
  private final Web3j web3j;
  private final String contract;
  private final String what;
  private final Credentials key;
  private final Map<String, String> errors;
  private final long chainId;
  private final RawTransactionManager transactions;

  /**
   * @param what the contract's name for messages ("the escrow", "the registry")
   * @param errors the contract's custom errors' signatures, e.g. {@code "NothingToWithdraw()"}
   */
  ContractClient(String rpcUrl, String contract, String what, Credentials key, List<String> errors)
      throws IOException {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.contract = contract;
    this.what = what;
    this.key = key;
    this.errors = selectors(errors);
    this.chainId = web3j.ethChainId().send().getChainId().longValueExact();
    this.transactions = new RawTransactionManager(web3j, key, chainId);
  }

  String address() {
    return key.getAddress();
  }

  long chainId() {
    return chainId;
  }

  /** The latest block's timestamp: deadlines are the chain's time, not this machine's. */
  long chainTime() throws IOException {
    return web3j
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  @SuppressWarnings("rawtypes")
  List<Type> call(Function function) throws IOException {
    EthCall result =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    key.getAddress(), contract, FunctionEncoder.encode(function)),
                DefaultBlockParameterName.LATEST)
            .send();
    if (result.isReverted() || result.hasError()) {
      throw new IOException(
          what
              + " at "
              + contract
              + " refused "
              + function.getName()
              + ": "
              + refusal(
                  result.getRevertReason(),
                  result.getError() == null ? null : result.getError().getData()));
    }
    return FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
  }

  TransactionReceipt send(Function function, BigInteger value) throws IOException {
    String data = FunctionEncoder.encode(function);
    EthEstimateGas estimate =
        web3j
            .ethEstimateGas(
                Transaction.createFunctionCallTransaction(
                    key.getAddress(), null, null, null, contract, value, data))
            .send();
    if (estimate.hasError()) {
      throw new IOException(
          what
              + " refuses "
              + function.getName()
              + ": "
              + refusal(estimate.getError().getMessage(), estimate.getError().getData()));
    }
    BigInteger gasLimit =
        estimate.getAmountUsed().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
    BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
    EthSendTransaction sent =
        transactions.sendTransaction(gasPrice, gasLimit, contract, data, value);
    if (sent.hasError()) {
      throw new IOException("the chain refused the transaction: " + sent.getError().getMessage());
    }
    try {
      TransactionReceipt receipt =
          new PollingTransactionReceiptProcessor(web3j, 500, 240)
              .waitForTransactionReceipt(sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw new IOException(
            function.getName() + " reverted in transaction " + receipt.getTransactionHash());
      }
      return receipt;
    } catch (TransactionException e) {
      throw new IOException(
          "transaction " + sent.getTransactionHash() + " was not mined: " + e.getMessage());
    }
  }

  /** The contract's error by name where the revert data names one of its errors. */
  String refusal(String message, Object data) {
    return refusal(errors, message, data);
  }

  static String refusal(Map<String, String> errors, String message, Object data) {
    String hex = data == null ? "" : data.toString().replace("\"", "");
    if (hex.startsWith("0x") && hex.length() >= 10) {
      String name = errors.get(hex.substring(0, 10));
      if (name != null) {
        return name;
      }
    }
    return message == null ? "reverted" : message;
  }

  static Map<String, String> selectors(List<String> signatures) {
    Map<String, String> bySelector = new java.util.HashMap<>();
    for (String signature : signatures) {
      String selector = Numeric.toHexString(Hash.sha3(signature.getBytes())).substring(0, 10);
      bySelector.put(selector, signature);
    }
    return Map.copyOf(bySelector);
  }

  @Override
  public void close() {
    web3j.shutdown();
  }
}
