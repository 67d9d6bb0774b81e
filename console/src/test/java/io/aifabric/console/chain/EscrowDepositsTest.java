package io.aifabric.console.chain;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;

/**
 * The console's reads of one job's deposit, against a JSON-RPC endpoint that answers as a chain
 * with a JobEscrow would and counts the calls it gets: what the chain says is decoded as it says
 * it, a refusal becomes the reason shown, and however often a page is shown the chain is asked
 * about a job at most once per refresh period. (ConsoleIT reads a real deposit on anvil.)
 */
class EscrowDepositsTest {
  private static final String PAYER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
  private static final String PROVIDER = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-12-06T07:00:00Z"));
  private volatile String callAnswer;
  private HttpServer chain;
  private EscrowReads reads;
  private EscrowDeposits deposits;

  @BeforeEach
  void start() throws IOException {
    chain = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    chain.createContext(
        "/",
        exchange -> {
          String request =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher id = ID.matcher(request);
          id.find();
          String result;
          if (request.contains("eth_blockNumber")) {
            result = "\"result\":\"0x32c\"";
          } else {
            calls.incrementAndGet();
            result = callAnswer;
          }
          byte[] body =
              ("{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + "," + result + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    chain.start();
    reads = new EscrowReads(config("http://127.0.0.1:" + chain.getAddress().getPort()));
    Clock clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now.get();
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    deposits = new EscrowDeposits(reads, Duration.ofSeconds(10), clock);
  }

  @AfterEach
  void stop() {
    reads.close();
    chain.stop(0);
  }

  @Test
  void aDepositIsReadAsTheChainHoldsItAndAskedForAtMostOncePerRefreshPeriod() {
    callAnswer =
        "\"result\":\"0x"
            + TypeEncoder.encode(new Address(PAYER))
            + TypeEncoder.encode(new Address(PROVIDER))
            + TypeEncoder.encode(new Uint32(2))
            + TypeEncoder.encode(new Uint256(new BigInteger("2500000000000000000")))
            + TypeEncoder.encode(new Uint64(1_796_601_600L))
            + TypeEncoder.encode(new Bool(true))
            + "\"";

    EscrowDeposit read = deposits.deposit(4).orElseThrow();

    assertThat(read)
        .isEqualTo(
            new EscrowDeposit(
                4,
                PAYER,
                PROVIDER,
                "2.5",
                Instant.ofEpochSecond(1_796_601_600L),
                true,
                812,
                now.get(),
                null));
    // Twenty tabs showing the job within the period: the chain is not asked again.
    for (int tab = 0; tab < 20; tab++) {
      deposits.deposit(4);
    }
    assertThat(calls).hasValue(1);
    now.set(now.get().plusSeconds(10));
    deposits.deposit(4);
    assertThat(calls).hasValue(2);
  }

  @Test
  void aDepositTheEscrowDoesNotHoldIsShownWithTheChainsReason() {
    callAnswer =
        "\"error\":{\"code\":3,\"message\":\"execution reverted: custom error 0x1c1b6d7d\"}";

    EscrowDeposit read = deposits.deposit(99).orElseThrow();

    assertThat(read.error())
        .isEqualTo("depositOf failed: execution reverted: custom error 0x1c1b6d7d");
    assertThat(read.payer()).isNull();
  }

  @Test
  void withoutAChainNothingIsAsked() {
    EscrowReads none = new EscrowReads(config(null));
    assertThat(new EscrowDeposits(none, Duration.ofSeconds(10), Clock.systemUTC()).deposit(4))
        .isEmpty();
  }

  private static ChainConfig config(String url) {
    return new ChainConfig() {
      @Override
      public Optional<String> rpcUrl() {
        return Optional.ofNullable(url);
      }

      @Override
      public Optional<String> escrow() {
        return Optional.of("0x5fbdb2315678afecb367f032d93f642f64180aa3");
      }

      @Override
      public Duration refresh() {
        return Duration.ofSeconds(10);
      }

      @Override
      public Duration timeout() {
        return Duration.ofSeconds(5);
      }
    };
  }
}
