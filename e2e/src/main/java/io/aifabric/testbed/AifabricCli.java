package io.aifabric.testbed;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The aifabric command line as a user runs it: the packaged jar, in its own JVM. */
public final class AifabricCli {
  private AifabricCli() {}

  /** The CLI jar: system property aifabric.cli.jar, else cli/target. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.cli.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("cli/target/aifabric-cli.jar");
  }

  /** Runs {@code aifabric <args>} and returns what it printed and how it exited. */
  public static CommandResult run(String... args) {
    return run(Map.of(), args);
  }

  /** Runs {@code aifabric <args>} with these environment variables added. */
  public static CommandResult run(Map<String, String> env, String... args) {
    Path jar = defaultJar();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: build the CLI (./mvnw package)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx256m", "-jar", jar.toString()));
    command.addAll(List.of(args));
    return TestBed.run(command, env);
  }
}
