package io.aifabric.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real Mosquitto broker (Debian's package, installed by .ci/run) on a loopback port, for tests,
 * configured as the network's brokers are (config/mosquitto): TLS only, a client certificate from
 * the test's {@link TestPki} required, its CN taken as the username, and the network's ACL. It can
 * be stopped and started again on the same port, as a broker restart is.
 */
public final class MosquittoBroker implements AutoCloseable {
  /** The largest MQTT packet the broker takes, as the network's brokers are configured. */
  public static final int MAX_PACKET_BYTES = 64 * 1024;

  private final Path dir;
  private final int port;
  private final TestPki pki;
  private Process process;

  private MosquittoBroker(Path dir, int port, TestPki pki) {
    this.dir = dir;
    this.port = port;
    this.pki = pki;
  }

  public static MosquittoBroker start(Path dir) throws IOException, InterruptedException {
    int port = FreePort.next();
    Files.createDirectories(dir);
    TestPki pki = TestPki.create(dir.resolve("pki"));
    Path acl = dir.resolve("aifabric.acl");
    try (var in = MosquittoBroker.class.getResourceAsStream("mosquitto/aifabric.acl")) {
      if (in == null) {
        throw new IOException("the network's ACL is not on the classpath (config/mosquitto)");
      }
      Files.write(acl, in.readAllBytes());
    }
    Files.writeString(
        dir.resolve("mosquitto.conf"),
        String.join(
            "\n",
            // Started as root (a CI container), mosquitto would drop to the "mosquitto" user, who
            // cannot read the test's owner-only key files; as any other user this has no effect.
            "user root",
            "listener " + port + " 127.0.0.1",
            "cafile " + pki.caCertificate(),
            "certfile " + pki.serverCertificate(),
            "keyfile " + pki.serverKey(),
            "tls_version tlsv1.2",
            "require_certificate true",
            "use_identity_as_username true",
            "allow_anonymous false",
            "acl_file " + acl,
            // Tests flood the broker on purpose (SettlementE2E): hold what a slow subscriber has
            // not taken yet rather than drop it, so that what a test counts is what it sent.
            "max_queued_messages 20000",
            // The network's messages are small (a receipt ~0.4 KiB, an 8-GPU hardware report ~3
            // KiB): a client that sends a larger packet is disconnected and the packet dropped.
            "max_packet_size " + MAX_PACKET_BYTES,
            "persistence false",
            "log_dest file " + dir.resolve("mosquitto.log"),
            ""));
    MosquittoBroker broker = new MosquittoBroker(dir, port, pki);
    broker.startAgain();
    return broker;
  }

  /**
   * A broker run with a configuration of one's own (a chart's, its paths made local), on {@code
   * port} (a {@link FreePort}); {@link #pki()} is null: the configuration names its own
   * certificates.
   */
  public static MosquittoBroker withConfiguration(Path dir, int port, String configuration)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("mosquitto.conf"), configuration);
    MosquittoBroker broker = new MosquittoBroker(dir, port, null);
    broker.startAgain();
    return broker;
  }

  public int port() {
    return port;
  }

  /** The broker's authority: the CA clients trust, and client certificates for a test's parties. */
  public TestPki pki() {
    return pki;
  }

  public void startAgain() throws IOException, InterruptedException {
    process =
        new ProcessBuilder(executable(), "-c", dir.resolve("mosquitto.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.out").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "mosquitto exited: " + Files.readString(dir.resolve("mosquitto.out")));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IOException("mosquitto did not listen on " + port + " within 10 s");
  }

  public void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      process.waitFor();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }

  private static String executable() throws IOException {
    for (String candidate : List.of("/usr/sbin/mosquitto", "/usr/bin/mosquitto")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new IOException("mosquitto is not installed (apt-get install mosquitto; .ci/run does)");
  }
}
