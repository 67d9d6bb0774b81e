package io.aifabric.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JSON-RPC endpoint in front of anvil that misbehaves the way real providers do, on demand:
 * answers a broadcast only after the caller has given up ({@link #slowBroadcasts}, the transaction
 * still reaches the chain), or reports an account's pending nonce one too high ({@link
 * #pendingNonceAhead}, as a load balancer's node that is ahead of the rest does). Everything else
 * passes through unchanged.
 */
final class RpcProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final URI upstream;
  private final AtomicBoolean slowBroadcasts = new AtomicBoolean();
  private final AtomicBoolean pendingNonceAhead = new AtomicBoolean();
  private final AtomicInteger slowed = new AtomicInteger();
  private final AtomicInteger liedAbout = new AtomicInteger();
  private final Duration delay;

  RpcProxy(String upstream, Duration delay) throws IOException {
    this.upstream = URI.create(upstream);
    this.delay = delay;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  void slowBroadcasts(boolean on) {
    slowBroadcasts.set(on);
  }

  void pendingNonceAhead(boolean on) {
    pendingNonceAhead.set(on);
  }

  /** Broadcasts answered too late so far. */
  int slowed() {
    return slowed.get();
  }

  /** Pending nonces reported one too high so far. */
  int liedAbout() {
    return liedAbout.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String answer;
    try {
      answer =
          client
              .send(
                  HttpRequest.newBuilder(upstream)
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString(body))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      if (slowBroadcasts.get() && body.contains("\"eth_sendRawTransaction\"")) {
        slowed.incrementAndGet();
        Thread.sleep(delay.toMillis()); // the transaction is in; the answer comes too late
      }
      if (pendingNonceAhead.get()
          && body.contains("\"eth_getTransactionCount\"")
          && body.contains("\"pending\"")) {
        liedAbout.incrementAndGet();
        answer = oneMore(answer);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The caller gave up (its timeout): what a slow provider does to it.
    }
  }

  /** {"jsonrpc":"2.0","id":7,"result":"0x5"} with the result one higher. */
  private static String oneMore(String answer) {
    var m =
        java.util.regex.Pattern.compile("\"result\"\\s*:\\s*\"0x([0-9a-fA-F]+)\"").matcher(answer);
    if (!m.find()) {
      return answer;
    }
    long next = Long.parseLong(m.group(1), 16) + 1;
    return answer.substring(0, m.start(1)) + Long.toHexString(next) + answer.substring(m.end(1));
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
