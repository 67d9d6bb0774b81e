package io.aifabric.escrow.bridge;

import io.aifabric.escrow.audit.Deposit;
import io.aifabric.escrow.contracts.JobEscrow;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.ReadonlyTransactionManager;
import org.web3j.tx.gas.DefaultGasProvider;
import org.web3j.utils.Numeric;

/**
 * The bridge's view of the chain: JobEscrow's state (deposits, the settlement nonce, the oracle
 * set, settled batches) and the transaction pool. Reads only; the relayer signs and sends ({@code
 * TransactionSender}). At start-up it checks that the endpoint serves the configured chain and that
 * a contract is deployed at the escrow address, and refuses to start otherwise.
 */
@Startup
@ApplicationScoped
public class EscrowChain {
  /** A batch as the escrow's BatchSettled event records it. */
  public record SettledBatch(
      long nonce,
      byte[] entriesHash,
      long settled,
      long skipped,
      String txHash,
      long blockNumber,
      String blockHash) {}

  private final Web3j web3j;
  private final JobEscrow escrow;
  private final long chainId;
  private final String escrowAddress;

  public EscrowChain(BridgeConfig config) {
    OkHttpClient http =
        new OkHttpClient.Builder()
            .callTimeout(config.rpcTimeout())
            .connectTimeout(config.rpcTimeout())
            .readTimeout(config.rpcTimeout())
            .build();
    this.web3j = Web3j.build(new HttpService(config.rpcUrl(), http));
    this.chainId = config.chainId();
    this.escrowAddress = config.escrow().toLowerCase(Locale.ROOT);
    this.escrow =
        JobEscrow.load(
            escrowAddress,
            web3j,
            new ReadonlyTransactionManager(web3j, escrowAddress),
            new DefaultGasProvider());
    checkChain(config);
  }

  /**
   * Refuses to go on when no contract is deployed at the address (a typo, another chain).
   *
   * @param role the contract's role for the message ("registry", "rewards")
   */
  public void requireContract(String address, String role) {
    String code;
    try {
      code = web3j.ethGetCode(address, DefaultBlockParameterName.LATEST).send().getCode();
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the chain: " + e.getMessage(), e);
    }
    if (code == null || code.equals("0x")) {
      throw new IllegalStateException("no contract at the " + role + " address " + address);
    }
  }

  private void checkChain(BridgeConfig config) {
    long served;
    String code;
    try {
      served = web3j.ethChainId().send().getChainId().longValueExact();
      code = web3j.ethGetCode(escrowAddress, DefaultBlockParameterName.LATEST).send().getCode();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot reach the chain at " + config.rpcUrl() + ": " + e.getMessage(), e);
    }
    if (served != chainId) {
      throw new IllegalStateException(
          "the endpoint serves chain " + served + ", not the configured chain " + chainId);
    }
    if (code == null || code.equals("0x")) {
      throw new IllegalStateException("no contract at the escrow address " + escrowAddress);
    }
  }

  public Web3j web3j() {
    return web3j;
  }

  public long chainId() {
    return chainId;
  }

  public String escrowAddress() {
    return escrowAddress;
  }

  public long settlementNonce() throws Exception {
    return escrow.settlementNonce().send().longValueExact();
  }

  public int threshold() throws Exception {
    return escrow.threshold().send().intValueExact();
  }

  public int oracleCount() throws Exception {
    return escrow.oracleCount().send().intValueExact();
  }

  /**
   * Whether the escrow counts this address's signatures now. Asked every time, not remembered:
   * governance may remove an oracle, and its signatures must stop counting here when they stop
   * counting on chain.
   */
  public boolean isOracle(String address) throws Exception {
    return escrow.isOracle(address.toLowerCase(Locale.ROOT)).send();
  }

  /**
   * The deposit a payer made under a job key (an AIJob's {@link io.aifabric.protocol.DepositKey}).
   */
  public Optional<Deposit> deposit(String payer, byte[] jobKey) throws Exception {
    var found = escrow.jobIdOf(payer.toLowerCase(Locale.ROOT), jobKey).send();
    if (!found.component1()) {
      return Optional.empty();
    }
    long jobId = found.component2().longValueExact();
    var d = escrow.depositOf(BigInteger.valueOf(jobId)).send();
    return Optional.of(
        new Deposit(
            jobId,
            d.component1(),
            d.component2(),
            d.component3().longValueExact(),
            d.component4(),
            d.component5().longValueExact(),
            d.component6()));
  }

  /** The batch the escrow settled under this nonce, if it did (on the canonical chain now). */
  public Optional<SettledBatch> settledBatch(long nonce) throws IOException {
    for (Log log : logs(JobEscrow.BATCHSETTLED_EVENT, nonce)) {
      @SuppressWarnings("rawtypes")
      List<Type> values =
          FunctionReturnDecoder.decode(
              log.getData(), JobEscrow.BATCHSETTLED_EVENT.getNonIndexedParameters());
      return Optional.of(
          new SettledBatch(
              nonce,
              (byte[]) values.get(0).getValue(),
              ((BigInteger) values.get(1).getValue()).longValueExact(),
              ((BigInteger) values.get(2).getValue()).longValueExact(),
              log.getTransactionHash(),
              log.getBlockNumber().longValueExact(),
              log.getBlockHash()));
    }
    return Optional.empty();
  }

  /** Whether the escrow refunded this job (its deadline passed before a batch closed it). */
  public boolean refunded(long jobId) throws IOException {
    return !logs(JobEscrow.REFUNDED_EVENT, jobId).isEmpty();
  }

  /**
   * The escrow's events of one kind whose first indexed parameter is {@code indexed}, on the
   * canonical chain (logs a reorg removed are left out). From the earliest block: providers index
   * topics, and the nonce or job id narrows the answer to one log.
   */
  private List<Log> logs(org.web3j.abi.datatypes.Event event, long indexed) throws IOException {
    EthFilter filter =
        new EthFilter(
            DefaultBlockParameterName.EARLIEST, DefaultBlockParameterName.LATEST, escrowAddress);
    filter.addSingleTopic(EventEncoder.encode(event));
    filter.addSingleTopic(Numeric.toHexStringWithPrefixZeroPadded(BigInteger.valueOf(indexed), 64));
    return canonicalLogs(filter);
  }

  /** The logs the filter matches on the canonical chain now (logs a reorg removed left out). */
  public List<Log> canonicalLogs(EthFilter filter) throws IOException {
    EthLog logs = web3j.ethGetLogs(filter).send();
    if (logs.hasError()) {
      throw new IOException("eth_getLogs: " + logs.getError().getMessage());
    }
    return logs.getLogs().stream().map(l -> (Log) l.get()).filter(l -> !l.isRemoved()).toList();
  }

  /** The receipt of a transaction on the canonical chain, if it is mined there. */
  public Optional<TransactionReceipt> receipt(String txHash) throws IOException {
    return web3j.ethGetTransactionReceipt(txHash).send().getTransactionReceipt();
  }

  /** Whether the node knows the transaction at all (mined or in its pool). */
  public boolean knows(String txHash) throws IOException {
    return web3j.ethGetTransactionByHash(txHash).send().getTransaction().isPresent();
  }

  /** The account's mined transaction count: the nonce its next transaction must carry. */
  public long minedNonce(String address) throws IOException {
    return web3j
        .ethGetTransactionCount(address, DefaultBlockParameterName.LATEST)
        .send()
        .getTransactionCount()
        .longValueExact();
  }

  public long blockNumber() throws IOException {
    return web3j.ethBlockNumber().send().getBlockNumber().longValueExact();
  }

  /** The latest block's timestamp (unix seconds): the chain's own clock, for deadlines. */
  public long blockTime() throws IOException {
    return web3j
        .ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false)
        .send()
        .getBlock()
        .getTimestamp()
        .longValueExact();
  }

  /** The base fee of the block being built now (wei): what a transaction sent now must pay. */
  public BigInteger baseFee() throws IOException {
    BigInteger fee =
        web3j
            .ethGetBlockByNumber(DefaultBlockParameterName.PENDING, false)
            .send()
            .getBlock()
            .getBaseFeePerGas();
    return fee == null ? BigInteger.ZERO : fee;
  }

  @PreDestroy
  void close() {
    web3j.shutdown();
  }
}
