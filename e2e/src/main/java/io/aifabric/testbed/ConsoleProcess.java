package io.aifabric.testbed;

import io.aifabric.testing.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The packaged network explorer (console/target/quarkus-app) in its own JVM, reading the host with
 * the kubeconfig it is given (the control-plane chart's console ServiceAccount in the tests).
 */
public final class ConsoleProcess implements AutoCloseable {
  private final QuarkusProcess process;
  private final int port;
  private final HttpClient http = HttpClient.newHttpClient();

  private ConsoleProcess(QuarkusProcess process, int port) {
    this.process = process;
    this.port = port;
  }

  /** The console jar: system property aifabric.console.jar, else console/target. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.console.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("console/target/quarkus-app/quarkus-run.jar");
  }

  /** Starts it and waits until it is ready (its informers have listed the network). */
  public static ConsoleProcess start(Path kubeconfig, Path logDir, String jvmOptions) {
    return start(kubeconfig, logDir, jvmOptions, Map.of());
  }

  /** As above, with more settings (e.g. the chain it reads). */
  public static ConsoleProcess start(
      Path kubeconfig, Path logDir, String jvmOptions, Map<String, String> settings) {
    int port = FreePort.next();
    int management = FreePort.next();
    Map<String, String> env = new java.util.HashMap<>(settings);
    // As the control-plane chart runs it.
    env.put("MALLOC_ARENA_MAX", "2");
    env.put("KUBECONFIG", kubeconfig.toString());
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    env.put("QUARKUS_MANAGEMENT_PORT", String.valueOf(management));
    QuarkusProcess process =
        QuarkusProcess.startWithManagement(
            "the console",
            defaultJar(),
            jvmOptions,
            env,
            logDir.resolve("console.log"),
            port,
            management);
    return new ConsoleProcess(process, port);
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** A request to the console's pages, as a browser would send it. */
  public HttpResponse<String> send(String method, String path) throws IOException {
    try {
      return http.send(
          HttpRequest.newBuilder(URI.create(url() + path))
              .method(method, HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** GET of a page; the body of a 200, else an IOException. */
  public String page(String path) throws IOException {
    HttpResponse<String> response = send("GET", path);
    if (response.statusCode() != 200) {
      throw new IOException("GET " + path + ": " + response.statusCode());
    }
    return response.body();
  }

  /** What its management port serves (metrics, health). */
  public String management(String path) throws IOException {
    return process.get(path);
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return process.log();
  }

  @Override
  public void close() {
    process.stop();
  }
}
