package io.aifabric.testbed;

import io.aifabric.informers.LostConnectionRetry;
import io.aifabric.informers.OnAddOrUpdate;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test bed's kubelet for native sidecars: KWOK runs no containers, so when a member pod's job
 * container has ended (KWOK's pod-main-exits stage) and its sealing sidecar is still running, this
 * runs the packaged sidecar (output-sealer) as the kubelet would have run it all along — with the
 * pod's environment (the downward API's completion index resolved from the pod), its upload URL
 * from the pod's Secret volume, and the output directory the job wrote — stops it with SIGTERM as
 * the kubelet does once the job's container has ended, and records how it ended in the pod's status
 * (its termination message, then phase Succeeded), where the node agent reads it.
 *
 * <p>What a simulated job "wrote": the job container's SIMULATED_OUTPUT (result.txt, with
 * "{replica}" replaced by the replica index) and SIMULATED_OUTPUT_BYTES (data.bin, that many bytes
 * of {@link #simulatedBytes}), so that a test knows exactly what to expect back.
 */
public final class SealingSidecars implements AutoCloseable {
  static final String SIDECAR = "seal";

  private final KubernetesClient member;
  private final Path workDir;
  private final Path jar;
  private final SharedIndexInformer<Pod> informer;
  private final ExecutorService runner = Executors.newFixedThreadPool(2);
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sealed = new AtomicInteger();

  private SealingSidecars(KubernetesClient member, Path workDir, Path jar) {
    this.member = member;
    this.workDir = workDir;
    this.jar = jar;
    this.informer =
        LostConnectionRetry.inform(
            member
                .pods()
                .inAnyNamespace()
                .withLabel("app.kubernetes.io/managed-by", "aifabric-operator"),
            new OnAddOrUpdate<Pod>(this::consider),
            0);
  }

  /** The sidecar jar: system property aifabric.sealer.jar, else output-sealer/target. */
  public static Path defaultJar() {
    String jar = System.getProperty("aifabric.sealer.jar");
    return jar != null
        ? Path.of(jar)
        : AifabricApi.repoRoot().resolve("output-sealer/target/aifabric-output-sealer.jar");
  }

  /** Starts watching one member's pods. */
  public static SealingSidecars start(KubernetesClient member, Path workDir) {
    Path jar = defaultJar();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the output sealer (./mvnw package)");
    }
    return new SealingSidecars(member, workDir, jar);
  }

  /** How many sidecars ran to their end here. */
  public int sealed() {
    return sealed.get();
  }

  /** The bytes a simulated job writes as data.bin: a test computes the same to compare. */
  public static byte[] simulatedBytes(String jobUid, int replica, int size) {
    byte[] bytes = new byte[size];
    new Random((jobUid + "/" + replica).hashCode()).nextBytes(bytes);
    return bytes;
  }

  private void consider(Pod pod) {
    if (sidecar(pod) == null || !mainEnded(pod) || sidecarEnded(pod)) {
      return;
    }
    if (handled.add(pod.getMetadata().getUid())) {
      runner.submit(() -> runSidecar(pod));
    }
  }

  private void runSidecar(Pod pod) {
    String name = pod.getMetadata().getNamespace() + "." + pod.getMetadata().getName();
    Path dir = workDir.resolve(name);
    try {
      Container sidecar = sidecar(pod);
      Map<String, String> env = environment(pod, sidecar);
      int replica = Integer.parseInt(env.get("AIFABRIC_SEAL_REPLICA"));
      Path output = Files.createDirectories(dir.resolve("output"));
      writeSimulatedOutput(pod, replica, output);
      Path upload = Files.createDirectories(dir.resolve("upload"));
      writeUploadUrls(pod, upload);
      Path termination = dir.resolve("termination-log");
      env.put("AIFABRIC_SEAL_OUTPUT_DIR", output.toString());
      env.put("AIFABRIC_SEAL_UPLOAD_DIR", upload.toString());
      env.put("AIFABRIC_SEAL_TERMINATION_LOG", termination.toString());
      Path log = dir.resolve("sidecar.log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process process = pb.start();
      awaitLine(process, log, "waiting for the job to end");
      // The kubelet stops a native sidecar with SIGTERM once the job's containers have ended.
      process.destroy();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the sidecar of " + name + " did not end in 5 minutes");
      }
      String message = Files.exists(termination) ? Files.readString(termination) : "";
      recordEnd(pod, process.exitValue(), message);
      sealed.incrementAndGet();
    } catch (Exception e) {
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("runner-error.txt"), e.toString());
      } catch (IOException ignored) {
        // The test's assertion on the job says what went wrong.
      }
      handled.remove(pod.getMetadata().getUid());
    }
  }

  /** The sidecar's environment as the kubelet gives it: values, and the downward API resolved. */
  private static Map<String, String> environment(Pod pod, Container sidecar) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : sidecar.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        env.put(var.getName(), field(pod, var.getValueFrom().getFieldRef().getFieldPath()));
      }
    }
    return env;
  }

  /** A downward-API field of the pod: an annotation or a label (the API server may set either). */
  private static String field(Pod pod, String path) {
    for (var source :
        List.of(
            Map.entry("metadata.annotations['", pod.getMetadata().getAnnotations()),
            Map.entry("metadata.labels['", pod.getMetadata().getLabels()))) {
      if (path.startsWith(source.getKey()) && path.endsWith("']")) {
        return source.getValue().get(path.substring(source.getKey().length(), path.length() - 2));
      }
    }
    throw new IllegalStateException("unsupported fieldRef " + path);
  }

  private static void writeSimulatedOutput(Pod pod, int replica, Path output) throws IOException {
    Map<String, String> env = new HashMap<>();
    for (EnvVar var : pod.getSpec().getContainers().get(0).getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      }
    }
    String text = env.get("SIMULATED_OUTPUT");
    if (text != null) {
      Files.writeString(
          output.resolve("result.txt"), text.replace("{replica}", String.valueOf(replica)));
    }
    String size = env.get("SIMULATED_OUTPUT_BYTES");
    if (size != null) {
      Files.write(
          output.resolve("data.bin"),
          simulatedBytes(
              pod.getMetadata().getLabels().get("aifabric.io/job-uid"),
              replica,
              Integer.parseInt(size)));
    }
  }

  /** The pod's Secret volume of upload URLs, as the kubelet would mount it. */
  private void writeUploadUrls(Pod pod, Path upload) throws IOException {
    for (Volume volume : pod.getSpec().getVolumes()) {
      if (volume.getSecret() == null) {
        continue;
      }
      Secret secret =
          member
              .secrets()
              .inNamespace(pod.getMetadata().getNamespace())
              .withName(volume.getSecret().getSecretName())
              .get();
      if (secret == null) {
        // A kubelet would hold the pod back until the Secret exists.
        throw new IllegalStateException(
            "Secret " + volume.getSecret().getSecretName() + " missing");
      }
      for (var entry : secret.getData().entrySet()) {
        Files.write(upload.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
      }
    }
  }

  private static void awaitLine(Process process, Path log, String line) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(line)) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the sidecar exited with " + process.exitValue() + ": " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the sidecar did not start in 60 s");
  }

  /** The sidecar's end in the pod's status, and the pod Succeeded as the kubelet reports it. */
  private void recordEnd(Pod pod, int exitCode, String message) {
    String now = Instant.now().toString();
    member
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .withName(pod.getMetadata().getName())
        .editStatus(
            current -> {
              List<ContainerStatus> statuses = new ArrayList<>();
              for (ContainerStatus status : current.getStatus().getInitContainerStatuses()) {
                if (SIDECAR.equals(status.getName())) {
                  String started =
                      status.getState() != null && status.getState().getRunning() != null
                          ? status.getState().getRunning().getStartedAt()
                          : now;
                  status.setReady(false);
                  status.setStarted(false);
                  status.setState(
                      new ContainerStateBuilder()
                          .withNewTerminated()
                          .withExitCode(exitCode)
                          .withReason(exitCode == 0 ? "Completed" : "Error")
                          .withMessage(message)
                          .withStartedAt(started)
                          .withFinishedAt(now)
                          .endTerminated()
                          .build());
                }
                statuses.add(status);
              }
              current.getStatus().setInitContainerStatuses(statuses);
              current.getStatus().setPhase("Succeeded");
              return current;
            });
  }

  private static Container sidecar(Pod pod) {
    return pod.getSpec().getInitContainers().stream()
        .filter(c -> SIDECAR.equals(c.getName()) && "Always".equals(c.getRestartPolicy()))
        .findFirst()
        .orElse(null);
  }

  private static boolean mainEnded(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(
                s ->
                    "main".equals(s.getName())
                        && s.getState() != null
                        && s.getState().getTerminated() != null);
  }

  private static boolean sidecarEnded(Pod pod) {
    return pod.getStatus().getInitContainerStatuses() != null
        && pod.getStatus().getInitContainerStatuses().stream()
            .anyMatch(
                s ->
                    SIDECAR.equals(s.getName())
                        && s.getState() != null
                        && s.getState().getTerminated() != null);
  }

  @Override
  public void close() {
    informer.close();
    runner.shutdownNow();
    try {
      runner.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For a failed test's message: what the runner wrote about each pod. */
  public String diagnostics() {
    if (!Files.isDirectory(workDir)) {
      return "";
    }
    try (var files = Files.walk(workDir)) {
      StringBuilder out = new StringBuilder();
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().matches("runner-error.txt|sidecar.log"))
              .toList()) {
        out.append(file).append(":\n").append(Files.readString(file)).append('\n');
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
