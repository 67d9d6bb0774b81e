package io.aifabric.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One escrow bridge as a deployment runs it: the packaged Quarkus application in its own JVM, an
 * oracle, a relayer or both depending on the key files its settings name, pointed at the host
 * cluster with KUBECONFIG. Tests kill it, or arm a failpoint that halts it mid-submission, and
 * start it again.
 */
public final class BridgeProcess implements AutoCloseable {
  private final String name;
  private final Path kubeconfig;
  private final Path logDir;
  private final Map<String, String> settings;
  private QuarkusProcess process;
  private int starts;

  private BridgeProcess(String name, Path kubeconfig, Path logDir, Map<String, String> settings) {
    this.name = name;
    this.kubeconfig = kubeconfig;
    this.logDir = logDir;
    this.settings = Map.copyOf(settings);
  }

  /** The bridge jar: system property aifabric.bridge.jar, else escrow-bridge/target/quarkus-app. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.bridge.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("escrow-bridge/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * Starts the bridge and waits until it is ready (its controller started, its broker connection
   * up).
   *
   * @param settings its configuration as environment variables (AIFABRIC_BRIDGE_*)
   */
  public static BridgeProcess start(
      String name, Path kubeconfig, Path logDir, Map<String, String> settings) {
    BridgeProcess bridge = new BridgeProcess(name, kubeconfig, logDir, settings);
    bridge.launch(Map.of());
    return bridge;
  }

  private void launch(Map<String, String> overrides) {
    starts++;
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(overrides);
    env.put("KUBECONFIG", kubeconfig.toString());
    process =
        QuarkusProcess.start(
            "the escrow bridge " + name,
            defaultJar(),
            "-Xmx256m",
            env,
            logDir.resolve(name + "-" + starts + ".log"));
  }

  /** Stops it if it runs and starts it again, with some settings replaced for this run. */
  public void restart(Map<String, String> overrides) {
    process.stop();
    launch(overrides);
  }

  /** Its configuration (environment variables), without this run's overrides. */
  public Map<String, String> settings() {
    return settings;
  }

  public boolean alive() {
    return process.alive();
  }

  public Path log() {
    return process.log();
  }

  /** SIGKILL, as a crash. */
  public void kill() {
    process.kill();
  }

  /** GET of one of its read-only paths, as text; an error status is an IOException. */
  public String get(String path) throws IOException {
    return process.get(path);
  }

  /** Where its HTTP endpoints answer (the epoch tables a claim's proof comes from). */
  public String url() {
    return "http://127.0.0.1:" + process.port();
  }

  public String metrics() throws IOException {
    return process.get("/metrics");
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop();
    }
  }
}
