package io.aifabric.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
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
 * The user's side of JobEscrow: a payer's deposit and a provider's withdrawal, signed with the
 * user's own key here (the network never holds it), and the reads around them. A call the escrow
 * would refuse is refused before it is sent (gas estimation runs it), with the escrow's own error
 * named.
 */
final class EscrowClient implements AutoCloseable {
  /** Deposits are whole multiples of this (JobEscrow.DEPOSIT_UNIT, 10,000 gwei). */
  static final BigInteger DEPOSIT_UNIT = BigInteger.TEN.pow(13);

  /** JobEscrow's custom errors by selector, so a refusal says which. */
  private static final Map<String, String> ERRORS =
      selectors(
          "ZeroDeposit()",
          "NotWholeUnit(uint256,uint256)",
          "DepositTooLarge(uint256)",
          "InvalidProvider()",
          "DeadlineInPast(uint64)",
          "JobKeyUsed(bytes32,uint64)",
          "UnknownJob(uint64)",
          "NothingToWithdraw()",
          "NotPayer(uint64,address)",
          "DeadlineShortened(uint64,uint64)",
          "AlreadyClosed(uint64)",
          "TransferFailed(address,uint256)");

  private final Web3j web3j;
  private final String escrow;
  private final Credentials key;
  private final RawTransactionManager transactions;

  EscrowClient(String rpcUrl, String escrow, Credentials key) throws IOException {
    this.web3j = Web3j.build(new HttpService(rpcUrl));
    this.escrow = escrow;
    this.key = key;
    long chainId = web3j.ethChainId().send().getChainId().longValueExact();
    this.transactions = new RawTransactionManager(web3j, key, chainId);
  }

  String address() {
    return key.getAddress();
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

  /**
   * Deposits {@code wei} for the job key, paying {@code provider}, refundable after {@code
   * deadline}.
   */
  TransactionReceipt deposit(byte[] jobKey, String provider, BigInteger wei, long deadline)
      throws IOException {
    return send(
        new Function(
            "deposit",
            List.of(new Bytes32(jobKey), new Address(provider), new Uint64(deadline)),
            List.of()),
        wei);
  }

  /** The escrow job id of this payer's deposit under the key, or -1. */
  long jobIdOf(String payer, byte[] jobKey) throws IOException {
    List<Type> out =
        call(
            new Function(
                "jobIdOf",
                List.of(new Address(payer), new Bytes32(jobKey)),
                List.of(new TypeReference<Bool>() {}, new TypeReference<Uint64>() {})));
    return ((Bool) out.get(0)).getValue() ? ((Uint64) out.get(1)).getValue().longValueExact() : -1;
  }

  /** What the escrow holds for this key's account, in wei. */
  BigInteger balance() throws IOException {
    List<Type> id =
        call(
            new Function(
                "accountIdOf",
                List.of(new Address(key.getAddress())),
                List.of(new TypeReference<Uint32>() {})));
    List<Type> balance =
        call(
            new Function(
                "balanceOf",
                List.of(new Uint32(((Uint32) id.get(0)).getValue())),
                List.of(new TypeReference<Uint256>() {})));
    return ((Uint256) balance.get(0)).getValue();
  }

  /** Sends this key's whole balance to it. */
  TransactionReceipt withdraw() throws IOException {
    return send(new Function("withdraw", List.of(), List.of()), BigInteger.ZERO);
  }

  private List<Type> call(Function function) throws IOException {
    EthCall result =
        web3j
            .ethCall(
                Transaction.createEthCallTransaction(
                    key.getAddress(), escrow, FunctionEncoder.encode(function)),
                DefaultBlockParameterName.LATEST)
            .send();
    if (result.isReverted() || result.hasError()) {
      throw new IOException(
          "the escrow at "
              + escrow
              + " refused "
              + function.getName()
              + ": "
              + refusal(
                  result.getRevertReason(),
                  result.getError() == null ? null : result.getError().getData()));
    }
    return FunctionReturnDecoder.decode(result.getValue(), function.getOutputParameters());
  }

  private TransactionReceipt send(Function function, BigInteger value) throws IOException {
    String data = FunctionEncoder.encode(function);
    EthEstimateGas estimate =
        web3j
            .ethEstimateGas(
                Transaction.createFunctionCallTransaction(
                    key.getAddress(), null, null, null, escrow, value, data))
            .send();
    if (estimate.hasError()) {
      throw new IOException(
          "the escrow refuses "
              + function.getName()
              + ": "
              + refusal(estimate.getError().getMessage(), estimate.getError().getData()));
    }
    BigInteger gasLimit =
        estimate.getAmountUsed().multiply(BigInteger.valueOf(12)).divide(BigInteger.TEN);
    BigInteger gasPrice = web3j.ethGasPrice().send().getGasPrice();
    EthSendTransaction sent = transactions.sendTransaction(gasPrice, gasLimit, escrow, data, value);
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

  /** The escrow's error by name where the revert data names one of its errors. */
  static String refusal(String message, Object data) {
    String hex = data == null ? "" : data.toString().replace("\"", "");
    if (hex.startsWith("0x") && hex.length() >= 10) {
      String name = ERRORS.get(hex.substring(0, 10));
      if (name != null) {
        return name;
      }
    }
    return message == null ? "reverted" : message;
  }

  private static Map<String, String> selectors(String... signatures) {
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
