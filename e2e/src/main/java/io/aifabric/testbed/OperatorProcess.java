package io.aifabric.testbed;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

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
  private Map<String, String> settings;
  private QuarkusProcess process;
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
    return start(Map.of());
  }

  /** Starts it with some settings replaced for this run (a failpoint, say). */
  public OperatorProcess start(Map<String, String> overrides) {
    starts++;
    Map<String, String> env = new HashMap<>(settings);
    env.putAll(overrides);
    env.remove(HEAP_SETTING);
    env.put("KUBECONFIG", kubeconfig.toString());
    process =
        QuarkusProcess.start(
            "the operator",
            jar,
            settings.getOrDefault(HEAP_SETTING, "-Xmx512m"),
            env,
            logDir.resolve("operator-" + starts + ".log"));
    return this;
  }

  /** Stops it and starts it again with some settings changed for good (later starts keep them). */
  public OperatorProcess restartWith(Map<String, String> changes) {
    close();
    Map<String, String> merged = new HashMap<>(settings);
    merged.putAll(changes);
    settings = Map.copyOf(merged);
    return start();
  }

  /**
   * Another operator with this one's settings and some changed, its own credentials and logs: a
   * second replica (not started).
   */
  public OperatorProcess replica(
      Path replicaKubeconfig, Path replicaLogDir, Map<String, String> changes) {
    Map<String, String> merged = new HashMap<>(settings);
    merged.putAll(changes);
    return new OperatorProcess(jar, replicaKubeconfig, replicaLogDir, merged);
  }

  /** Everything its runs have logged so far, oldest run first. */
  public String logs() throws IOException {
    StringBuilder all = new StringBuilder();
    for (int run = 1; run <= starts; run++) {
      Path log = logDir.resolve("operator-" + run + ".log");
      if (java.nio.file.Files.exists(log)) {
        all.append(java.nio.file.Files.readString(log));
      }
    }
    return all.toString();
  }

  public boolean alive() {
    return process != null && process.alive();
  }

  /** SIGKILL: no shutdown hooks, no last status writes, as a crash or an OOM kill. */
  public void kill() {
    if (process != null) {
      process.kill();
    }
  }

  public String metrics() throws IOException {
    return process.get("/metrics");
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    if (process != null) {
      process.stop();
    }
  }
}
