package io.aifabric.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The aifabric node agent as a node runs it: the packaged Quarkus application in its own JVM,
 * pointed at its member cluster with KUBECONFIG and at the network's broker. On the test bed it
 * runs for a KWOK node, with a declared inventory.
 */
public final class AgentProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private AgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** The agent jar: system property aifabric.agent.jar, else node-agent/target/quarkus-app. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.agent.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("node-agent/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * Starts the agent and waits until Quarkus says it started.
   *
   * @param settings the agent's configuration as environment variables (AIFABRIC_AGENT_*)
   */
  public static AgentProcess start(Path kubeconfig, Path logDir, Map<String, String> settings) {
    Path jar = defaultJar();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build the node agent (./mvnw package)");
    }
    try {
      Files.createDirectories(logDir);
      Path log = Files.createTempFile(logDir, "agent-", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx128m",
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(settings);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      AgentProcess agent = new AgentProcess(pb.start(), log);
      agent.awaitStarted(Duration.ofSeconds(60));
      return agent;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path log() {
    return log;
  }

  private void awaitStarted(Duration limit) throws IOException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.readString(log).contains(" started in ")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("the node agent exited:\n" + Files.readString(log));
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the node agent did not start within " + limit);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
