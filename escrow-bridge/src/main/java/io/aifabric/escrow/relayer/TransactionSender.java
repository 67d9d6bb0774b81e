package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.settlement.BatchTransaction;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.KeyFile;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.utils.Numeric;

/**
 * Signs and broadcasts the relayer's transactions (settlements to the escrow, slashes to the
 * registry): EIP-1559, the chain id always set, fees from the chain's base fee (twice it, plus the
 * tip) and capped, replacements at least {@code feeBumpPercent} above the transaction they replace.
 * Signing and sending are separate steps so the relayer can record a transaction before anyone can
 * see it.
 */
@ApplicationScoped
public class TransactionSender {
  private static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);
  private static final BigInteger MIN_TIP = GWEI;

  /** The fee pair of an EIP-1559 transaction, in wei. */
  public record Fees(BigInteger maxPriorityFeePerGas, BigInteger maxFeePerGas) {}

  /** The node refused the call; the message says why (a revert reason, a pool rule). */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  private final Optional<Credentials> key;
  private final EscrowChain chain;
  private final BridgeConfig config;

  public TransactionSender(BridgeConfig config, EscrowChain chain) {
    this.key = config.relayer().keyFile().map(KeyFile::read);
    this.chain = chain;
    this.config = config;
  }

  public boolean enabled() {
    return key.isPresent();
  }

  public String address() {
    return key.orElseThrow().getAddress().toLowerCase(Locale.ROOT);
  }

  /** The calldata of {@code JobEscrow.settle(nonce, deadline, entries, signatures)}. */
  public static String settleCall(long nonce, long deadline, byte[] entries, byte[] signatures) {
    return FunctionEncoder.encode(
        new Function(
            "settle",
            List.of(
                new Uint64(nonce),
                new Uint64(deadline),
                new DynamicBytes(entries),
                new DynamicBytes(signatures)),
            List.of()));
  }

  /**
   * The calldata of {@code NodeRegistry.slash(provider, node, amount, evidence, deadline,
   * signatures)}.
   */
  public static String slashCall(
      String provider,
      String node,
      BigInteger amount,
      byte[] evidence,
      long deadline,
      byte[] signatures) {
    return FunctionEncoder.encode(
        new Function(
            "slash",
            List.of(
                new Address(provider),
                new Address(node),
                new Uint256(amount),
                new Bytes32(evidence),
                new Uint64(deadline),
                new DynamicBytes(signatures)),
            List.of()));
  }

  /**
   * The calldata of {@code AvailabilityRewards.postEpoch(epoch, root, totalScore, reward, deadline,
   * signatures)}.
   */
  public static String postEpochCall(
      long epoch,
      byte[] root,
      long totalScore,
      BigInteger reward,
      long deadline,
      byte[] signatures) {
    return FunctionEncoder.encode(
        new Function(
            "postEpoch",
            List.of(
                new Uint64(epoch),
                new Bytes32(root),
                new Uint64(totalScore),
                new org.web3j.abi.datatypes.generated.Uint128(reward),
                new Uint64(deadline),
                new DynamicBytes(signatures)),
            List.of()));
  }

  /** Whether the transaction was signed by this relayer (records without a signer were). */
  public boolean signedHere(BatchTransaction tx) {
    return tx.getFrom() == null || tx.getFrom().equalsIgnoreCase(address());
  }

  /** The nonce for a new transaction: counting those in the node's pool. */
  public long pendingNonce() throws IOException {
    return chain
        .web3j()
        .ethGetTransactionCount(address(), DefaultBlockParameterName.PENDING)
        .send()
        .getTransactionCount()
        .longValueExact();
  }

  /**
   * Gas for the call, with a margin of a fifth.
   *
   * @throws Refused when the call would revert (the node's message names the error)
   */
  public BigInteger gasLimit(String to, String data) throws IOException, Refused {
    EthEstimateGas estimate =
        chain
            .web3j()
            .ethEstimateGas(
                Transaction.createFunctionCallTransaction(address(), null, null, null, to, data))
            .send();
    if (estimate.hasError()) {
      String detail = estimate.getError().getData();
      throw new Refused(estimate.getError().getMessage() + (detail == null ? "" : " " + detail));
    }
    BigInteger gas = estimate.getAmountUsed();
    return gas.add(gas.divide(BigInteger.valueOf(5)));
  }

  /** Fees for a new transaction now: twice the base fee plus the tip, within the cap. */
  public Fees freshFees() throws IOException {
    BigInteger tip = MIN_TIP;
    var suggested = chain.web3j().ethMaxPriorityFeePerGas().send();
    if (!suggested.hasError() && suggested.getMaxPriorityFeePerGas() != null) {
      tip = tip.max(suggested.getMaxPriorityFeePerGas());
    }
    BigInteger cap = cap();
    return new Fees(tip.min(cap), chain.baseFee().shiftLeft(1).add(tip).min(cap));
  }

  /**
   * Fees for replacing a stuck transaction: the fresh fees, but each at least {@code
   * feeBumpPercent} above the stuck transaction's (nodes refuse smaller replacements).
   *
   * @return empty when the bump would pass the cap: nothing better can be offered
   */
  public Optional<Fees> replacementFees(BatchTransaction stuck) throws IOException {
    Fees fresh = freshFees();
    BigInteger tip = max(fresh.maxPriorityFeePerGas(), bump(stuck.getMaxPriorityFeePerGas()));
    BigInteger fee = max(fresh.maxFeePerGas(), bump(stuck.getMaxFeePerGas()));
    if (fee.compareTo(cap()) > 0) {
      return Optional.empty();
    }
    return Optional.of(new Fees(tip.min(fee), fee));
  }

  /** Signs a call to the contract at {@code to}; nothing leaves this process. */
  public BatchTransaction sign(String to, String data, long nonce, BigInteger gasLimit, Fees fees) {
    RawTransaction tx =
        RawTransaction.createTransaction(
            chain.chainId(),
            BigInteger.valueOf(nonce),
            gasLimit,
            to,
            BigInteger.ZERO,
            data,
            fees.maxPriorityFeePerGas(),
            fees.maxFeePerGas());
    byte[] signed = TransactionEncoder.signMessage(tx, key.orElseThrow());
    BatchTransaction record = new BatchTransaction();
    record.setHash(Numeric.toHexString(Hash.sha3(signed)));
    record.setFrom(address());
    record.setNonce(nonce);
    record.setGasLimit(gasLimit.longValueExact());
    record.setMaxFeePerGas(fees.maxFeePerGas().toString());
    record.setMaxPriorityFeePerGas(fees.maxPriorityFeePerGas().toString());
    record.setSignedAt(Instant.now().toString());
    record.setRaw(Numeric.toHexString(signed));
    return record;
  }

  /**
   * Broadcasts a signed transaction.
   *
   * @return the node's refusal ("already known", "nonce too low", ...), or empty when accepted
   * @throws IOException when the node could not be asked or did not answer in time: the transaction
   *     may or may not have arrived, which the relayer finds out by its hash
   */
  public Optional<String> broadcast(BatchTransaction tx) throws IOException {
    EthSendTransaction sent = chain.web3j().ethSendRawTransaction(tx.getRaw()).send();
    return sent.hasError() ? Optional.of(sent.getError().getMessage()) : Optional.empty();
  }

  private BigInteger cap() {
    return GWEI.multiply(BigInteger.valueOf(config.relayer().maxFeeGwei()));
  }

  private BigInteger bump(String wei) {
    BigInteger value = new BigInteger(wei);
    return value
        .multiply(BigInteger.valueOf(100L + config.relayer().feeBumpPercent()))
        .add(BigInteger.valueOf(99))
        .divide(BigInteger.valueOf(100));
  }

  private static BigInteger max(BigInteger a, BigInteger b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
