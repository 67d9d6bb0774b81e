package io.aifabric.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The aifabric scheduler extender as a member runs it: the packaged Quarkus application in its own
 * JVM, pointed at the member's API server with KUBECONFIG. It can be stopped and started again on
 * the same port, where the scheduler's configuration expects it.
 */
public final class ExtenderProcess implements AutoCloseable {
  private final Path logDir;
  private final Map<String, String> environment;
  // HTTP/1.1 as kube-scheduler's Go client speaks to a plain-http extender: the JDK's default
  // (an h2c upgrade on the first request) is not what the extender meets in a cluster.
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private QuarkusProcess process;
  private int port;
  private int starts;

  private ExtenderProcess(Path logDir, Map<String, String> environment) {
    this.logDir = logDir;
    this.environment = environment;
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
    ExtenderProcess extender = new ExtenderProcess(logDir, Map.copyOf(env));
    extender.process = extender.launch(0);
    extender.port = extender.process.port();
    return extender;
  }

  /**
   * The JVM the chart's pod gets: its 384 MiB memory limit makes the JVM choose the serial
   * collector, which the chart also names; on this machine's 23 GiB the JVM would choose G1.
   */
  static final String JVM = "-Xmx256m -XX:+UseSerialGC";

  private QuarkusProcess launch(int fixedPort) {
    starts++;
    Path log = logDir.resolve("extender-" + starts + ".log");
    return fixedPort == 0
        ? QuarkusProcess.start("the scheduler extender", defaultJar(), JVM, environment, log)
        : QuarkusProcess.start(
            "the scheduler extender", defaultJar(), JVM, environment, log, fixedPort);
  }

  /** Where kube-scheduler reaches it: the extender configuration's urlPrefix. */
  public String urlPrefix() {
    return "http://127.0.0.1:" + port + "/scheduler";
  }

  public int port() {
    return port;
  }

  /** Stops it (SIGTERM); {@link #restart} brings it back on the same port. */
  public void stop() {
    process.stop();
  }

  public void restart() {
    process.stop();
    process = launch(port);
  }

  public String metrics() throws IOException {
    return process.get("/metrics");
  }

  /** A raw HTTP request to the extender, as kube-scheduler (or anything else) might send it. */
  public HttpResponse<String> send(String method, String path, String body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop();
    }
  }
}
