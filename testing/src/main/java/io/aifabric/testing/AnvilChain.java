package io.aifabric.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.methods.response.VoidResponse;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.TransactionManager;
import org.web3j.tx.gas.ContractGasProvider;
import org.web3j.tx.gas.StaticEIP1559GasProvider;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;
import org.web3j.utils.Numeric;

/**
 * A real EVM for the tests: anvil (from npm, {@code node_modules/.bin/anvil}) on a free loopback
 * port, mining each transaction as it arrives. Accounts are fresh keys funded through anvil's
 * {@code anvil_setBalance}; transactions are EIP-1559 with the chain id always set.
 */
public final class AnvilChain implements AutoCloseable {
  public static final long CHAIN_ID = 31337;

  private final Process process;
  private final HttpService service;
  public final Web3j web3j;

  private final String url;

  private AnvilChain(Process process, String url) {
    this.process = process;
    this.url = url;
    this.service = new HttpService(url);
    this.web3j = Web3j.build(service);
  }

  public static AnvilChain start(Path log) throws Exception {
    return start(log, 0);
  }

  /**
   * @param blockTimeSeconds 0: each transaction is mined as it arrives; otherwise a block every
   *     that many seconds, as a real chain makes them (confirmations then come by themselves)
   */
  public static AnvilChain start(Path log, int blockTimeSeconds) throws Exception {
    Path anvil = Path.of(System.getProperty("aifabric.anvil", "node_modules/.bin/anvil"));
    if (!Files.isExecutable(anvil)) {
      throw new IllegalStateException(anvil + " not found: the build installs it (bin/npm-ci)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(log.getParent());
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                anvil.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--chain-id",
                String.valueOf(CHAIN_ID),
                // A 1,000-job batch is a few million gas; leave room for larger experiments.
                "--gas-limit",
                "100000000"));
    if (blockTimeSeconds > 0) {
      command.addAll(List.of("--block-time", String.valueOf(blockTimeSeconds)));
    }
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    AnvilChain chain = new AnvilChain(process, "http://127.0.0.1:" + port);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptionsInstanceOf(IOException.class)
          .failFast("anvil exited", () -> !process.isAlive())
          .until(() -> chain.web3j.ethChainId().send().getChainId().longValue() == CHAIN_ID);
      return chain;
    } catch (ConditionTimeoutException | TerminalFailureException e) {
      chain.close();
      throw new IllegalStateException("anvil did not start: " + Files.readString(log), e);
    }
  }

  /** A new account holding {@code ether}. */
  public Credentials fundedAccount(long ether) throws Exception {
    Credentials account = Credentials.create(Keys.createEcKeyPair());
    BigInteger wei = BigInteger.TEN.pow(18).multiply(BigInteger.valueOf(ether));
    new Request<>(
            "anvil_setBalance",
            List.of(account.getAddress(), Numeric.toHexStringWithPrefix(wei)),
            service,
            VoidResponse.class)
        .send();
    return account;
  }

  public TransactionManager transactions(Credentials account) {
    // anvil mines on arrival: poll for the receipt every 20 ms, not web3j's default 15 s.
    return new RawTransactionManager(
        web3j, account, CHAIN_ID, new PollingTransactionReceiptProcessor(web3j, 20, 1_500));
  }

  /**
   * Transactions from one of anvil's own dev accounts (funded, unlocked: anvil signs for them), as
   * a wallet would send them for its user.
   */
  public TransactionManager devAccount(String address) {
    return new org.web3j.tx.ClientTransactionManager(
        web3j, address, new PollingTransactionReceiptProcessor(web3j, 20, 1_500));
  }

  /** EIP-1559 fees well above anvil's base fee, and a limit that fits a 1,000-job batch. */
  public static ContractGasProvider gas() {
    return new StaticEIP1559GasProvider(
        CHAIN_ID,
        BigInteger.valueOf(10_000_000_000L),
        BigInteger.valueOf(1_000_000_000L),
        BigInteger.valueOf(30_000_000L));
  }

  public BigInteger balance(String address) throws IOException {
    return web3j
        .ethGetBalance(address, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }

  /** The JSON-RPC endpoint, for a service under test to dial. */
  public String url() {
    return url;
  }

  /** Mines {@code blocks} empty blocks now. */
  public void mine(int blocks) throws IOException {
    call("anvil_mine", List.of(Numeric.toHexStringWithPrefix(BigInteger.valueOf(blocks))));
  }

  /**
   * The base fee of the next block. Set above a pending transaction's fee cap, the transaction
   * stays in the pool: a stuck transaction, as in a fee spike.
   */
  public void nextBaseFee(BigInteger wei) throws IOException {
    call("anvil_setNextBlockBaseFeePerGas", List.of(Numeric.toHexStringWithPrefix(wei)));
  }

  /** A block every that many seconds; 0: none until {@link #mine} (or automine) makes one. */
  public void intervalMining(int seconds) throws IOException {
    call("evm_setIntervalMining", List.of(seconds));
  }

  /** Remembers the chain as it is now, for {@link #revert}. */
  public String snapshot() throws IOException {
    return new Request<>("evm_snapshot", List.of(), service, SnapshotResponse.class)
        .send()
        .getResult();
  }

  /**
   * Rolls the chain back to a snapshot: the blocks after it, and the transactions in them, are
   * gone, as in a reorg that drops them (anvil does not return them to the pool).
   */
  public void revert(String snapshot) throws IOException {
    call("evm_revert", List.of(snapshot));
  }

  private void call(String method, List<?> params) throws IOException {
    VoidResponse response = new Request<>(method, params, service, VoidResponse.class).send();
    if (response.hasError()) {
      throw new IOException(method + ": " + response.getError().getMessage());
    }
  }

  /** evm_snapshot's answer: the snapshot id. */
  public static final class SnapshotResponse extends org.web3j.protocol.core.Response<String> {}

  @Override
  public void close() {
    web3j.shutdown();
    process.destroy();
  }
}
