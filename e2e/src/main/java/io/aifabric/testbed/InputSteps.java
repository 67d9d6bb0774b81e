package io.aifabric.testbed;

import io.aifabric.informers.LostConnectionRetry;
import io.aifabric.informers.OnAddOrUpdate;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The test bed's kubelet for the input step of pods whose job mounts volumes with sealed inputs:
 * KWOK runs no containers, so once such a pod is on its node and the node agent has released its
 * keys (the kubelet would hold the pod until that Secret exists), this runs the packaged sealer in
 * its {@code open-inputs} mode with the pod's inputs — the manifest from its annotation, the keys
 * from the Secret volume, and each volume mounted where the kubelet would: at the hostPath of the
 * PersistentVolume its claim is bound to (the test bed's PVs are hostPath directories). It records
 * how each pod's step ended.
 */
public final class InputSteps implements AutoCloseable {
  /** How a pod's input step ended: its exit code and termination message. */
  public record Ended(int exitCode, String message) {}

  private final KubernetesClient member;
  private final Path workDir;
  private final Path jar;
  private final SharedIndexInformer<Pod> informer;
  private final ExecutorService runner = Executors.newFixedThreadPool(2);
  private final Set<String> handled = ConcurrentHashMap.newKeySet();
  private final Map<String, Ended> ended = new ConcurrentHashMap<>();

  private InputSteps(KubernetesClient member, Path workDir, Path jar) {
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

  public static InputSteps start(KubernetesClient member, Path workDir) {
    Path jar = SealingSidecars.defaultJar();
    if (!Files.exists(jar)) {
      throw new IllegalStateException(
          jar + " is missing: build the output sealer (./mvnw package)");
    }
    return new InputSteps(member, workDir, jar);
  }

  /** How the input step of the pods of a job (by its AIJob UID) ended, by pod name. */
  public Map<String, Ended> endedFor(String jobUid) {
    Map<String, Ended> forJob = new ConcurrentHashMap<>();
    ended.forEach(
        (key, value) -> {
          if (key.startsWith(jobUid + "/")) {
            forJob.put(key.substring(jobUid.length() + 1), value);
          }
        });
    return forJob;
  }

  private void consider(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    if (annotations == null
        || !annotations.containsKey(SealedInputManifest.ANNOTATION)
        || pod.getSpec().getNodeName() == null) {
      return;
    }
    if (handled.add(pod.getMetadata().getUid())) {
      runner.submit(() -> run(pod));
    }
  }

  private void run(Pod pod) {
    String jobUid = pod.getMetadata().getLabels().get("aifabric.io/job-uid");
    Path dir =
        workDir.resolve(pod.getMetadata().getNamespace() + "." + pod.getMetadata().getName());
    try {
      Files.createDirectories(dir);
      Container step =
          pod.getSpec().getInitContainers().stream()
              .filter(c -> c.getName().equals("open-inputs"))
              .findFirst()
              .orElseThrow();
      Path keys = awaitKeys(pod, Files.createDirectories(dir.resolve("keys")));
      SealedInputManifest manifest =
          SealedInputManifest.parse(
              pod.getMetadata().getAnnotations().get(SealedInputManifest.ANNOTATION));
      List<SealedInputManifest.Entry> mounted = new ArrayList<>();
      for (SealedInputManifest.Entry e : manifest.inputs()) {
        mounted.add(
            new SealedInputManifest.Entry(
                e.volume(),
                e.volumeUid(),
                e.input(),
                e.url(),
                e.contentAddress(),
                e.sealedBytes(),
                hostPathAt(pod, step, e.mountPath()).toString(),
                e.grants()));
      }
      Path termination = dir.resolve("termination-log");
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-Xmx64m",
                  "-jar",
                  jar.toString(),
                  "open-inputs")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("open-inputs.log").toFile());
      pb.environment()
          .putAll(
              Map.of(
                  "AIFABRIC_SEALED_INPUTS",
                  new SealedInputManifest(manifest.network(), manifest.jobUid(), mounted).toJson(),
                  "AIFABRIC_INPUT_KEYS_DIR",
                  keys.toString(),
                  "AIFABRIC_INPUT_TERMINATION_LOG",
                  termination.toString()));
      Process process = pb.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the input step did not end in 5 minutes");
      }
      String message = Files.exists(termination) ? Files.readString(termination) : "";
      ended.put(
          jobUid + "/" + pod.getMetadata().getName(), new Ended(process.exitValue(), message));
    } catch (Exception e) {
      ended.put(jobUid + "/" + pod.getMetadata().getName(), new Ended(-1, e.toString()));
    }
  }

  /** The pod's input-key Secret as the kubelet mounts it, once the node agent has written it. */
  private Path awaitKeys(Pod pod, Path keys) throws Exception {
    String name =
        pod.getSpec().getVolumes().stream()
            .filter(
                v -> v.getSecret() != null && v.getSecret().getSecretName().endsWith("-input-keys"))
            .findFirst()
            .orElseThrow()
            .getSecret()
            .getSecretName();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      Secret secret =
          member.secrets().inNamespace(pod.getMetadata().getNamespace()).withName(name).get();
      if (secret != null) {
        for (var entry : secret.getData().entrySet()) {
          Files.write(keys.resolve(entry.getKey()), Base64.getDecoder().decode(entry.getValue()));
        }
        return keys;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("Secret " + name + " did not appear in 2 minutes");
  }

  /** Where the volume the step mounts at {@code mountPath} is on this "node": the PV's hostPath. */
  private Path hostPathAt(Pod pod, Container step, String mountPath) throws IOException {
    VolumeMount mount =
        step.getVolumeMounts().stream()
            .filter(m -> m.getMountPath().equals(mountPath))
            .findFirst()
            .orElseThrow(
                () -> new IllegalStateException("the step mounts nothing at " + mountPath));
    Volume volume =
        pod.getSpec().getVolumes().stream()
            .filter(v -> v.getName().equals(mount.getName()))
            .findFirst()
            .orElseThrow();
    PersistentVolumeClaim claim =
        member
            .persistentVolumeClaims()
            .inNamespace(pod.getMetadata().getNamespace())
            .withName(volume.getPersistentVolumeClaim().getClaimName())
            .get();
    PersistentVolume pv =
        member.persistentVolumes().withName(claim.getSpec().getVolumeName()).get();
    return Files.createDirectories(Path.of(pv.getSpec().getHostPath().getPath()));
  }

  @Override
  public void close() {
    informer.close();
    runner.shutdownNow();
  }
}
