package io.aifabric.testbed;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A pull member's agent as its member runs it: the packaged Quarkus application in its own JVM,
 * pointed at the member's API server with KUBECONFIG (its ServiceAccount, in a cluster), dialling
 * out to the host with the join kubeconfig it is given once.
 */
public final class MemberAgentProcess implements AutoCloseable {
  private final QuarkusProcess process;

  private MemberAgentProcess(QuarkusProcess process) {
    this.process = process;
  }

  /** The agent's jar: system property aifabric.member-agent.jar, else member-agent/target. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.member-agent.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("member-agent/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * Starts the agent and waits until it is ready (joined, its first report written).
   *
   * @param memberKubeconfig the member cluster it runs in
   * @param settings its configuration as environment variables (AIFABRIC_MEMBER_AGENT_*)
   */
  public static MemberAgentProcess start(
      Path memberKubeconfig, Path log, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(settings);
    env.put("KUBECONFIG", memberKubeconfig.toString());
    return new MemberAgentProcess(
        QuarkusProcess.start("the member agent", defaultJar(), "-Xmx96m", env, log));
  }

  /** SIGKILL, as a crash or a power cut: no last Lease renewal, no goodbye. */
  public void kill() {
    process.kill();
  }

  /** Waits until the agent's JVM has ended on its own (a failpoint halts it); false if not. */
  public boolean awaitExit(java.time.Duration timeout) throws InterruptedException {
    return process.awaitExit(timeout);
  }

  public Path log() {
    return process.log();
  }

  @Override
  public void close() {
    process.stop();
  }
}
