package io.aifabric.cli;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
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
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * The user's side of JobEscrow: a payer's deposit and a provider's withdrawal, signed with the
 * user's own key here (the network never holds it), and the reads around them; refusals name the
 * escrow's custom error.
 */
final class EscrowClient implements AutoCloseable {
  /** Deposits are whole multiples of this (JobEscrow.DEPOSIT_UNIT, 10,000 gwei). */
  static final BigInteger DEPOSIT_UNIT = BigInteger.TEN.pow(13);

  /** JobEscrow's custom errors, so a refusal says which. */
  static final List<String> ERRORS =
      List.of(
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

  private static final Map<String, String> BY_SELECTOR = ContractClient.selectors(ERRORS);

  private final ContractClient escrow;

  EscrowClient(String rpcUrl, String escrow, Credentials key) throws IOException {
    this.escrow = new ContractClient(rpcUrl, escrow, "the escrow", key, ERRORS);
  }

  String address() {
    return escrow.address();
  }

  /** The latest block's timestamp: deadlines are the chain's time, not this machine's. */
  long chainTime() throws IOException {
    return escrow.chainTime();
  }

  /**
   * Deposits {@code wei} for the job key, paying {@code provider}, refundable after {@code
   * deadline}.
   */
  TransactionReceipt deposit(byte[] jobKey, String provider, BigInteger wei, long deadline)
      throws IOException {
    return escrow.send(
        new Function(
            "deposit",
            List.of(new Bytes32(jobKey), new Address(provider), new Uint64(deadline)),
            List.of()),
        wei);
  }

  /** The escrow job id of this payer's deposit under the key, or -1. */
  @SuppressWarnings("rawtypes")
  long jobIdOf(String payer, byte[] jobKey) throws IOException {
    List<Type> out =
        escrow.call(
            new Function(
                "jobIdOf",
                List.of(new Address(payer), new Bytes32(jobKey)),
                List.of(new TypeReference<Bool>() {}, new TypeReference<Uint64>() {})));
    return ((Bool) out.get(0)).getValue() ? ((Uint64) out.get(1)).getValue().longValueExact() : -1;
  }

  /** What the escrow holds for this key's account, in wei. */
  @SuppressWarnings("rawtypes")
  BigInteger balance() throws IOException {
    List<Type> id =
        escrow.call(
            new Function(
                "accountIdOf",
                List.of(new Address(escrow.address())),
                List.of(new TypeReference<Uint32>() {})));
    List<Type> balance =
        escrow.call(
            new Function(
                "balanceOf",
                List.of(new Uint32(((Uint32) id.get(0)).getValue())),
                List.of(new TypeReference<Uint256>() {})));
    return ((Uint256) balance.get(0)).getValue();
  }

  /** Sends this key's whole balance to it. */
  TransactionReceipt withdraw() throws IOException {
    return escrow.send(new Function("withdraw", List.of(), List.of()), BigInteger.ZERO);
  }

  /** The escrow's error by name where the revert data names one of its errors. */
  static String refusal(String message, Object data) {
    return ContractClient.refusal(BY_SELECTOR, message, data);
  }

  @Override
  public void close() {
    escrow.close();
  }
}
