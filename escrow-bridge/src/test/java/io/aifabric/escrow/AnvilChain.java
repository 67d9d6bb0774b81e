package io.aifabric.escrow;

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
final class AnvilChain implements AutoCloseable {
  static final long CHAIN_ID = 31337;

  private final Process process;
  private final HttpService service;
  final Web3j web3j;

  private AnvilChain(Process process, HttpService service) {
    this.process = process;
    this.service = service;
    this.web3j = Web3j.build(service);
  }

  static AnvilChain start(Path log) throws Exception {
    Path anvil = Path.of(System.getProperty("aifabric.anvil", "node_modules/.bin/anvil"));
    if (!Files.isExecutable(anvil)) {
      throw new IllegalStateException(anvil + " not found: the build installs it (bin/npm-ci)");
    }
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Files.createDirectories(log.getParent());
    Process process =
        new ProcessBuilder(
                anvil.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(port),
                "--chain-id",
                String.valueOf(CHAIN_ID),
                // A 1,000-job batch is a few million gas; leave room for larger experiments.
                "--gas-limit",
                "100000000")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    AnvilChain chain = new AnvilChain(process, new HttpService("http://127.0.0.1:" + port));
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
  Credentials fundedAccount(long ether) throws Exception {
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

  TransactionManager transactions(Credentials account) {
    // anvil mines on arrival: poll for the receipt every 20 ms, not web3j's default 15 s.
    return new RawTransactionManager(
        web3j, account, CHAIN_ID, new PollingTransactionReceiptProcessor(web3j, 20, 1_500));
  }

  /** EIP-1559 fees well above anvil's base fee, and a limit that fits a 1,000-job batch. */
  static ContractGasProvider gas() {
    return new StaticEIP1559GasProvider(
        CHAIN_ID,
        BigInteger.valueOf(10_000_000_000L),
        BigInteger.valueOf(1_000_000_000L),
        BigInteger.valueOf(30_000_000L));
  }

  BigInteger balance(String address) throws IOException {
    return web3j
        .ethGetBalance(address, org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
        .send()
        .getBalance();
  }

  @Override
  public void close() {
    web3j.shutdown();
    process.destroy();
  }
}
