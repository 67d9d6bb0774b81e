package io.aifabric.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The aifabric operator as users run it: the packaged Quarkus application in its own JVM, pointed
 * at the host cluster with KUBECONFIG. Tests can kill it (SIGKILL, mid-work) and start it again.
 */
public final class OperatorProcess implements AutoCloseable {
  /** A setting that is not an environment variable: the JVM's heap option (default -Xmx512m). */
  public static final String HEAP_SETTING = "jvm.heap";

  private final Path jar;
  private final Path kubeconfig;
  private final Path logDir;
  private final Map<String, String> settings;
  private Process process;
  private int port;
  private int starts;

  /**
   * @param settings operator configuration as environment variables, e.g.
   *     AIFABRIC_MEMBER_GRACE_PERIOD=10s
   */
  public OperatorProcess(Path jar, Path kubeconfig, Path logDir, Map<String, String> settings) {
    this.jar = jar;
    this.kubeconfig = kubeconfig;
    this.logDir = logDir;
    this.settings = Map.copyOf(settings);
  }

  /** The operator jar: system property aifabric.operator.jar, else operator/target/quarkus-app. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.operator.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
  }

  /** Starts the operator and waits until it reports ready (its controllers have started). */
  public OperatorProcess start() {
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build the operator (./mvnw package)");
    }
    try {
      port = freePort();
      starts++;
      Files.createDirectories(logDir);
      Path log = logDir.resolve("operator-" + starts + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  settings.getOrDefault(HEAP_SETTING, "-Xmx512m"),
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      Map<String, String> env = new HashMap<>(settings);
      env.remove(HEAP_SETTING);
      env.put("KUBECONFIG", kubeconfig.toString());
      env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
      pb.environment().putAll(env);
      process = pb.start();
      awaitReady(log);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** SIGKILL: no shutdown hooks, no last status writes, as a crash or an OOM kill. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor();
    }
  }

  public String metrics() throws IOException {
    var connection =
        (HttpURLConnection)
            URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
    try (var in = connection.getInputStream()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** The classes that hold the most live heap (jcmd GC.class_histogram), for finding waste. */
  public String classHistogram(int top) throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    Process p =
        new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.class_histogram")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().limit(top + 3L).collect(java.util.stream.Collectors.joining("\n"));
  }

  /** Live heap after a full collection, in KiB (jcmd GC.run, then GC.heap_info). */
  public long heapUsedAfterGcKib() throws IOException, InterruptedException {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.run")
        .redirectErrorStream(true)
        .start()
        .waitFor();
    Process info =
        new ProcessBuilder(jcmd, String.valueOf(pid()), "GC.heap_info")
            .redirectErrorStream(true)
            .start();
    String out =
        new String(info.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    info.waitFor();
    var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("unexpected GC.heap_info output:\n" + out);
    }
    return Long.parseLong(m.group(1));
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
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

  private void awaitReady(Path log) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the operator exited during start-up:\n" + Files.readString(log));
      }
      try {
        var connection = (HttpURLConnection) ready.toURL().openConnection();
        connection.setConnectTimeout(500);
        if (connection.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      try {
        // Start-up is observed by polling its health endpoint; there is nothing to wait on.
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the operator did not become ready in 60 s; see " + log);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
