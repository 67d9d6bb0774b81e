package io.aifabric.testbed;

import io.aifabric.testing.FreePort;
import io.aifabric.testing.TestPki;
import io.aifabric.testing.TestPki.ClientTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The aifabric scheduler extender as a member runs it: the packaged Quarkus application in its own
 * JVM, pointed at the member's API server with KUBECONFIG, serving its verbs over TLS with client
 * authentication (a certificate from its CA: a test authority here, the chart's in a cluster) and
 * its health and metrics on a plain management port. It can be stopped and started again on the
 * same ports, where the scheduler's configuration expects it.
 */
public final class ExtenderProcess implements AutoCloseable {
  /** The caller name the extender takes by default, as the chart's scheduler certificate has it. */
  public static final String SCHEDULER = "aifabric-scheduler";

  private final Path logDir;
  private final Map<String, String> environment;
  private final TestPki pki;
  private final ClientTls scheduler;
  private final HttpClient asScheduler;
  private final int port = FreePort.next();
  private final int managementPort = FreePort.next();
  private QuarkusProcess process;
  private int starts;

  private ExtenderProcess(Path logDir, Map<String, String> environment, TestPki pki)
      throws IOException {
    this.logDir = logDir;
    this.pki = pki;
    this.scheduler = pki.client(SCHEDULER);
    this.asScheduler = client(scheduler.sslContext());
    Map<String, String> env = new HashMap<>(environment);
    env.put("AIFABRIC_EXTENDER_TLS_CERTIFICATE", pki.serverCertificate().toString());
    env.put("AIFABRIC_EXTENDER_TLS_KEY", pki.serverKey().toString());
    env.put("AIFABRIC_EXTENDER_TLS_CA", pki.caCertificate().toString());
    env.put("QUARKUS_HTTP_SSL_PORT", String.valueOf(port));
    env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort));
    this.environment = Map.copyOf(env);
  }

  /** The extender jar: system property aifabric.extender.jar, else scheduler-extender/target. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.extender.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("scheduler-extender/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * Starts the extender and waits until its node cache has synced.
   *
   * @param settings its configuration as environment variables (AIFABRIC_EXTENDER_*)
   */
  public static ExtenderProcess start(Path kubeconfig, Path logDir, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("KUBECONFIG", kubeconfig.toString());
    try {
      ExtenderProcess extender =
          new ExtenderProcess(logDir, env, TestPki.create(logDir.resolve("extender-pki")));
      extender.process = extender.launch();
      return extender;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The JVM the chart's pod gets: its 384 MiB memory limit makes the JVM choose the serial
   * collector, which the chart also names; on this machine's 23 GiB the JVM would choose G1.
   */
  static final String JVM = "-Xmx256m -XX:+UseSerialGC";

  private QuarkusProcess launch() {
    starts++;
    Path log = logDir.resolve("extender-" + starts + ".log");
    return QuarkusProcess.startWithManagement(
        "the scheduler extender", defaultJar(), JVM, environment, log, port, managementPort);
  }

  /** Where kube-scheduler reaches it: the extender configuration's urlPrefix. */
  public String urlPrefix() {
    return "https://127.0.0.1:" + port + "/scheduler";
  }

  /** The extender's CA: it takes only clients with a certificate of this authority. */
  public TestPki authority() {
    return pki;
  }

  /** The scheduler's client certificate, key and the extender's CA (its tlsConfig files). */
  public ClientTls schedulerTls() {
    return scheduler;
  }

  public int port() {
    return port;
  }

  /** Stops it (SIGTERM); {@link #restart} brings it back on the same ports. */
  public void stop() {
    process.stop();
  }

  public void restart() {
    process.stop();
    process = launch();
  }

  public String metrics() throws IOException {
    return process.get("/metrics");
  }

  /** A GET on the management port (health), as text; an error status is an IOException. */
  public String management(String path) throws IOException {
    return process.get(path);
  }

  /** A request to the extender as kube-scheduler sends it: over TLS, with its certificate. */
  public HttpResponse<String> send(String method, String path, String body) throws IOException {
    return send(asScheduler, method, path, body);
  }

  /** The same request from a client with this TLS context (another certificate, or none). */
  public HttpResponse<String> sendWith(SSLContext tls, String method, String path, String body)
      throws IOException {
    return send(client(tls), method, path, body);
  }

  private HttpResponse<String> send(HttpClient http, String method, String path, String body)
      throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What a client with this TLS context meets when it connects: the handshake, then a read of the
   * server's first word, sending nothing. Under TLS 1.3 the client finishes its half of the
   * handshake before the server has judged its certificate, so a client that sends its request at
   * once races the server's alert: it may see the alert or a broken pipe, depending on which lands
   * first. Reading instead always receives the alert. Returns the exception the server's refusal
   * raised, or null when the server took the certificate.
   */
  public SSLException handshakeRefusal(SSLContext tls) throws IOException {
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
      socket.setSSLParameters(parameters);
      try {
        socket.startHandshake();
        socket.getOutputStream().flush();
        socket.getInputStream().read();
        return null;
      } catch (SSLException refused) {
        return refused;
      } catch (SocketTimeoutException accepted) {
        // A server that took the certificate waits for the client's preface and says nothing.
        return null;
      }
    }
  }

  /**
   * HTTP/2 by ALPN, as kube-scheduler's Go client negotiates it with a TLS extender (client-go's
   * transport enables HTTP/2).
   */
  private static HttpClient client(SSLContext tls) {
    return HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop();
    }
  }
}
