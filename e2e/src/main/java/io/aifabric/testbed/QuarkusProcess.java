package io.aifabric.testbed;

import io.aifabric.testing.FreePort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One of aifabric's packaged Quarkus services in its own JVM, on a free loopback port, started and
 * awaited through its readiness endpoint ({@code /q/health/ready}) as Kubernetes would.
 */
final class QuarkusProcess {
  private final Process process;
  private final int port;
  private final int managementPort;
  private final Path log;

  private QuarkusProcess(Process process, int port, int managementPort, Path log) {
    this.process = process;
    this.port = port;
    this.managementPort = managementPort;
    this.log = log;
  }

  /**
   * @param what what the service is, for messages ("the operator")
   * @param jvmOptions options for its JVM, separated by spaces ("-Xmx256m")
   * @param environment its configuration, besides QUARKUS_HTTP_PORT which this sets
   */
  static QuarkusProcess start(
      String what, Path jar, String jvmOptions, Map<String, String> environment, Path log) {
    return start(what, jar, jvmOptions, environment, log, FreePort.next());
  }

  /** As above, on the given port (a service restarted where its clients expect it). */
  static QuarkusProcess start(
      String what,
      Path jar,
      String jvmOptions,
      Map<String, String> environment,
      Path log,
      int port) {
    Map<String, String> env = new HashMap<>(environment);
    env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
    return launch(what, jar, jvmOptions, env, log, port, port);
  }

  /**
   * A service with a management interface ({@code quarkus.management.enabled}): health and metrics
   * on a port of their own. The environment sets both ports (which variable names the service's
   * port depends on whether it serves TLS).
   */
  static QuarkusProcess startWithManagement(
      String what,
      Path jar,
      String jvmOptions,
      Map<String, String> environment,
      Path log,
      int port,
      int managementPort) {
    return launch(what, jar, jvmOptions, environment, log, port, managementPort);
  }

  private static QuarkusProcess launch(
      String what,
      Path jar,
      String jvmOptions,
      Map<String, String> env,
      Path log,
      int port,
      int managementPort) {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build " + what + " (./mvnw package)");
    }
    try {
      Files.createDirectories(log.getParent());
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(List.of(jvmOptions.trim().split("\\s+")));
      command.addAll(List.of("-jar", jar.toString()));
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      QuarkusProcess started = new QuarkusProcess(pb.start(), port, managementPort, log);
      started.awaitReady(what);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /** GET of a management path (health, metrics), as text; an error status is an IOException. */
  String get(String path) throws IOException {
    var connection =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + managementPort + path).toURL().openConnection();
    try (var in = connection.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Whether the JVM is still running (a failpoint halts it on its own). */
  boolean alive() {
    return process.isAlive();
  }

  /** Waits until the JVM has ended on its own, at most {@code timeout}; false if it has not. */
  boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: no shutdown hooks, no last writes, as a crash or an OOM kill. */
  void kill() {
    process.destroyForcibly();
    waitFor();
  }

  void stop() {
    if (process.isAlive()) {
      process.destroy();
      waitFor();
    }
  }

  private void waitFor() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitReady(String what) throws IOException {
    URI ready = URI.create("http://127.0.0.1:" + managementPort + "/q/health/ready");
    HealthPoll.awaitOk(
        what,
        process,
        log,
        () -> {
          var connection = (HttpURLConnection) ready.toURL().openConnection();
          connection.setConnectTimeout(500);
          return connection;
        });
  }
}
