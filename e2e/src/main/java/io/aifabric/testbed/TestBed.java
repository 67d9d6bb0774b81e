package io.aifabric.testbed;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.testbed.TestBedState.ClusterInfo;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A running test bed: a host cluster and member clusters, each a real control plane with
 * KWOK-simulated GPU nodes, started by the {@code testbed} binary (e2e/cmd/testbed).
 */
public final class TestBed implements AutoCloseable {
  public static final String HOST = "host";

  private final Process process;
  private final TestBedState state;
  private final Path bin;
  private final Map<String, KubernetesClient> clients = new ConcurrentHashMap<>();

  private TestBed(Process process, TestBedState state, Path bin) {
    this.process = process;
    this.state = state;
    this.bin = bin;
  }

  /**
   * Starts {@code testbed up} and waits until it reports ready. The test bed stops when {@link
   * #close()} is called or, should this JVM die, when its standard input closes.
   */
  public static TestBed start(Path bin, Path dir, int members, int gpuNodesPerMember)
      throws IOException {
    Path testbed = bin.resolve("testbed");
    if (!Files.isExecutable(testbed)) {
      throw new IllegalStateException(
          testbed + " is missing: build the test bed with e2e/build.sh (./mvnw verify does)");
    }
    Process process =
        new ProcessBuilder(
                testbed.toString(),
                "up",
                "--dir=" + dir,
                "--members=" + members,
                "--gpu-nodes=" + gpuNodesPerMember,
                "--stdin-lifeline")
            .redirectErrorStream(true)
            .start();
    List<String> output = new ArrayList<>();
    var reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      output.add(line);
      if (line.startsWith("READY ")) {
        TestBedState state =
            new ObjectMapper().readValue(Path.of(line.substring(6)).toFile(), TestBedState.class);
        drainInBackground(reader);
        return new TestBed(process, state, bin);
      }
    }
    throw new IllegalStateException(
        "the test bed did not start:\n" + String.join("\n", output) + "\nlogs: " + dir);
  }

  private static void drainInBackground(BufferedReader reader) {
    Thread drain =
        new Thread(
            () -> {
              try {
                while (reader.readLine() != null) {
                  // The harness reports exited components; its log files say more.
                }
              } catch (IOException e) {
                // The test bed stopped.
              }
            },
            "testbed-output");
    drain.setDaemon(true);
    drain.start();
  }

  public TestBedState state() {
    return state;
  }

  public Path dir() {
    return Path.of(state.dir());
  }

  public List<String> members() {
    return state.clusters().stream()
        .filter(c -> c.role().equals("member"))
        .map(ClusterInfo::name)
        .toList();
  }

  public ClusterInfo cluster(String name) {
    return state.clusters().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no cluster " + name));
  }

  /** Path of the cluster's admin kubeconfig (credentials embedded). */
  public Path kubeconfig(String cluster) {
    return Path.of(cluster(cluster).kubeconfig());
  }

  /** A Fabric8 client for the cluster, shared and closed with the test bed. */
  public KubernetesClient client(String cluster) {
    return clients.computeIfAbsent(
        cluster,
        name -> {
          try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig(name)));
            return new KubernetesClientBuilder().withConfig(config).build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /**
   * Stops a component of a cluster (SIGSTOP) without killing it: it stops answering, as a member
   * behind a broken network link would, and {@link #thaw} lets it carry on where it was.
   */
  public void freeze(String cluster, String component) {
    signal(cluster, component, "STOP");
  }

  public void thaw(String cluster, String component) {
    signal(cluster, component, "CONT");
  }

  private void signal(String cluster, String component, String signal) {
    int pid =
        cluster(cluster).components().stream()
            .filter(c -> c.name().equals(component))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no " + component + " in " + cluster))
            .pid();
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A kubeconfig of the cluster for a user who is authenticated but granted nothing. */
  public Path nobodyKubeconfig(String cluster) {
    return kubeconfig(cluster).resolveSibling("nobody-kubeconfig");
  }

  /** Runs the test bed's own kubectl (the pinned version) against the cluster. */
  public CommandResult kubectl(String cluster, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("k8s-bundle").toString());
    command.add("kubectl");
    command.add("--kubeconfig=" + kubeconfig(cluster));
    // Its own discovery cache: ~/.kube/cache is keyed by host:port, and ports are reused by later
    // test beds, whose APIs differ.
    command.add("--cache-dir=" + dir().resolve("kubectl-cache"));
    command.addAll(List.of(args));
    return run(command, Map.of());
  }

  /**
   * Starts a component of the pinned Kubernetes build (k8s-bundle), e.g. another kube-scheduler,
   * with its output in the log; the caller stops it.
   */
  public Process launch(String component, List<String> args, Path log) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("k8s-bundle").toString());
    command.add(component);
    command.addAll(args);
    try {
      Files.createDirectories(log.getParent());
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code helm upgrade --install} of one release of a chart into a namespace of the cluster.
   *
   * @param flags Helm flags beyond these (e.g. {@code --wait}, {@code --skip-crds})
   * @param settings {@code --set} values
   * @throws IllegalStateException with Helm's error when the install fails
   */
  public void helmInstall(
      String cluster,
      String namespace,
      String release,
      Path chart,
      List<String> flags,
      String... settings) {
    List<String> args =
        new ArrayList<>(
            List.of("upgrade", "--install", release, chart.toString(), "--namespace=" + namespace));
    args.addAll(flags);
    for (String setting : settings) {
      args.add("--set=" + setting);
    }
    CommandResult result = helm(cluster, args.toArray(String[]::new));
    if (!result.succeeded()) {
      throw new IllegalStateException("helm install failed: " + result.stderr());
    }
  }

  /**
   * The API server's answer, "yes" or "no", to whether a ServiceAccount may do something ({@code
   * kubectl auth can-i}).
   *
   * @param resource a resource, or {@code resource/subresource}
   * @param namespace a namespace, or {@code *} for all of them (and cluster-scoped resources)
   */
  public String canI(
      String cluster, String serviceAccount, String verb, String resource, String namespace) {
    String[] parts = resource.split("/");
    return kubectl(
            cluster,
            "auth",
            "can-i",
            verb,
            parts[0],
            "--subresource=" + (parts.length > 1 ? parts[1] : ""),
            "*".equals(namespace) ? "--all-namespaces" : "--namespace=" + namespace,
            "--as=system:serviceaccount:" + serviceAccount)
        .stdout()
        .strip();
  }

  /** Runs the Helm CLI built with the test bed (e2e/tools/helm) against the cluster. */
  public CommandResult helm(String cluster, String... args) {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve("helm").toString());
    command.add("--kubeconfig=" + kubeconfig(cluster));
    command.addAll(List.of(args));
    // Helm's caches and settings stay inside the test bed, not in the user's home.
    Path home = dir().resolve("helm");
    return run(
        command,
        Map.of(
            "HELM_CACHE_HOME", home.resolve("cache").toString(),
            "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString()));
  }

  static CommandResult run(List<String> command, Map<String, String> environment) {
    String shown = String.join(" ", command.subList(1, command.size()));
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().putAll(environment);
      Process p = builder.start();
      p.getOutputStream().close();
      var stdout = p.getInputStream().readAllBytes();
      var stderr = p.getErrorStream().readAllBytes();
      if (!p.waitFor(2, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new IllegalStateException(shown + " timed out");
      }
      return new CommandResult(
          p.exitValue(),
          new String(stdout, StandardCharsets.UTF_8),
          new String(stderr, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Creates a namespace with a random name and waits for its default ServiceAccount: until the
   * controller manager creates it, the API server refuses pods there.
   */
  public String createNamespace(String cluster, String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    KubernetesClient client = client(cluster);
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    client
        .serviceAccounts()
        .inNamespace(name)
        .withName("default")
        .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
    return name;
  }

  @Override
  public void close() {
    clients.values().forEach(KubernetesClient::close);
    try {
      // Closing stdin is the harness's signal to stop every component.
      process.getOutputStream().close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
