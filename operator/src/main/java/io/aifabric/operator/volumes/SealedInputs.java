package io.aifabric.operator.volumes;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.InputGrant;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.operator.aijob.RequiredNodeTerm;
import io.aifabric.operator.outputs.SealerContainer;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sealed inputs of a job's volumes on the node: the user grants each placed node the inputs'
 * keys ({@code spec.inputGrants}, from {@code aifabric grant}); the job is dispatched only once
 * every placed node has a grant for every input; its pods then carry the {@link
 * SealedInputManifest} (an annotation), are kept to the placed nodes (node affinity: a grant opens
 * only on its node), and run an input step before the job's container — the sealer image in its
 * {@code open-inputs} mode — that fetches each input, opens it with the key the node agent released
 * into the {@code <job>-input-keys} Secret, and unpacks it into the volume. The kubelet holds the
 * pod until that Secret exists, so no pod starts before its node has opened its grant.
 */
public final class SealedInputs {
  /** The input step's container name. */
  public static final String CONTAINER = "open-inputs";

  static final String KEYS_DIR = "/aifabric/input-keys";
  static final String KEYS_VOLUME = "aifabric-input-keys";

  private SealedInputs() {}

  /** The volumes' inputs in the order the job mounts them: the manifest's order. */
  record Mounted(VolumeMount mount, StorageVolume volume, SealedInput input) {}

  static List<Mounted> mounted(AIJob job, Map<String, StorageVolume> volumes) {
    List<Mounted> all = new ArrayList<>();
    for (VolumeMount mount : job.getSpec().getVolumes()) {
      StorageVolume volume = volumes.get(mount.getStorageVolume());
      if (volume != null) {
        for (SealedInput input : volume.getSpec().getInputs()) {
          all.add(new Mounted(mount, volume, input));
        }
      }
    }
    return all;
  }

  public static boolean any(AIJob job, Map<String, StorageVolume> volumes) {
    return !mounted(job, volumes).isEmpty();
  }

  /** The ComputeNode names the job is placed on. */
  static Set<String> placedNodes(Placement placement) {
    Set<String> nodes = new LinkedHashSet<>();
    for (String node : placement.getNodes()) {
      nodes.add(placement.getCluster() + "." + node);
    }
    return nodes;
  }

  /**
   * What is still to be granted, as a message for the job's status; empty when every placed node
   * has a grant for every input.
   */
  public static String missingGrants(
      AIJob job, Placement placement, Map<String, StorageVolume> volumes) {
    Map<String, Map<String, String>> grants = grantsByInput(job);
    Set<String> nodes = new LinkedHashSet<>();
    List<String> inputs = new ArrayList<>();
    for (Mounted m : mounted(job, volumes)) {
      String key = m.volume().getMetadata().getName() + "/" + m.input().getName();
      Map<String, String> granted = grants.getOrDefault(key, Map.of());
      for (String node : placedNodes(placement)) {
        if (!granted.containsKey(node)) {
          nodes.add(node);
          if (!inputs.contains(key)) {
            inputs.add(key);
          }
        }
      }
    }
    if (nodes.isEmpty()) {
      return "";
    }
    return "the keys of sealed input "
        + String.join(", ", inputs)
        + " are not granted to "
        + String.join(", ", nodes)
        + " yet: run 'aifabric grant "
        + job.getMetadata().getName()
        + " -n "
        + job.getMetadata().getNamespace()
        + "' with the volumes' key";
  }

  /** The manifest the job's pods carry. */
  public static SealedInputManifest manifest(
      AIJob job, Placement placement, Map<String, StorageVolume> volumes, String network) {
    Map<String, Map<String, String>> grants = grantsByInput(job);
    Set<String> nodes = placedNodes(placement);
    List<SealedInputManifest.Entry> entries = new ArrayList<>();
    for (Mounted m : mounted(job, volumes)) {
      String key = m.volume().getMetadata().getName() + "/" + m.input().getName();
      Map<String, byte[]> forNodes = new HashMap<>();
      grants
          .getOrDefault(key, Map.of())
          .forEach(
              (node, grant) -> {
                if (nodes.contains(node)) {
                  forNodes.put(node, Base64.getDecoder().decode(grant));
                }
              });
      entries.add(
          new SealedInputManifest.Entry(
              m.volume().getMetadata().getName(),
              m.volume().getMetadata().getUid(),
              m.input().getName(),
              m.input().getUrl(),
              Hex.decode(m.input().getContentAddress(), 32),
              m.input().getSealedBytes(),
              m.mount().getMountPath(),
              forNodes));
    }
    return new SealedInputManifest(network, job.getMetadata().getUid(), entries);
  }

  /**
   * Adds the input step to a member Job's pod spec: the step mounts each volume with inputs
   * read-write at its mount path and the released keys; the pods stay on the placed nodes.
   */
  public static void addTo(
      PodSpec pod,
      Map<String, String> podAnnotations,
      String jobName,
      String image,
      SealedInputManifest manifest,
      Placement placement) {
    podAnnotations.put(SealedInputManifest.ANNOTATION, manifest.toJson());
    pod.getVolumes()
        .add(
            new VolumeBuilder()
                .withName(KEYS_VOLUME)
                .withNewSecret()
                .withSecretName(SealedInputManifest.keySecretName(jobName))
                .withDefaultMode(0440)
                .endSecret()
                .build());
    ContainerBuilder step =
        SealerContainer.of(CONTAINER, image)
            .withArgs("open-inputs")
            .addToEnv(
                new EnvVarBuilder()
                    .withName("AIFABRIC_SEALED_INPUTS")
                    .withNewValueFrom()
                    .withNewFieldRef()
                    .withFieldPath("metadata.annotations['" + SealedInputManifest.ANNOTATION + "']")
                    .endFieldRef()
                    .endValueFrom()
                    .build(),
                new EnvVarBuilder().withName("AIFABRIC_INPUT_KEYS_DIR").withValue(KEYS_DIR).build())
            .addToVolumeMounts(
                new VolumeMountBuilder()
                    .withName(KEYS_VOLUME)
                    .withMountPath(KEYS_DIR)
                    .withReadOnly(true)
                    .build());
    // The same claims the job's container mounts, but writable: the step unpacks into them.
    Container main = pod.getContainers().get(0);
    Set<String> mountPaths = new LinkedHashSet<>();
    manifest.inputs().forEach(e -> mountPaths.add(e.mountPath()));
    Set<String> writable = new LinkedHashSet<>();
    for (var mount : main.getVolumeMounts()) {
      if (mountPaths.contains(mount.getMountPath())) {
        writable.add(mount.getName());
        step.addToVolumeMounts(
            new VolumeMountBuilder()
                .withName(mount.getName())
                .withMountPath(mount.getMountPath())
                .build());
      }
    }
    // The claim itself must allow writes; the job's own mount stays read-only if it asked.
    pod.getVolumes().stream()
        .filter(v -> writable.contains(v.getName()) && v.getPersistentVolumeClaim() != null)
        .forEach(v -> v.getPersistentVolumeClaim().setReadOnly(false));
    // Init containers run in order: the input step goes before any native sidecar, so that the
    // job's output sidecar starts only once the inputs are there.
    pod.getInitContainers().add(0, step.build());
    RequiredNodeTerm.requireField(
        pod,
        new NodeSelectorRequirementBuilder()
            .withKey("metadata.name")
            .withOperator("In")
            .withValues(new ArrayList<>(new LinkedHashSet<>(placement.getNodes())))
            .build());
  }

  /** The job's grants by "volume/input", then by node. */
  private static Map<String, Map<String, String>> grantsByInput(AIJob job) {
    Map<String, Map<String, String>> grants = new HashMap<>();
    for (InputGrant g : job.getSpec().getInputGrants()) {
      grants
          .computeIfAbsent(g.getVolume() + "/" + g.getInput(), k -> new HashMap<>())
          .put(g.getNode(), g.getGrant());
    }
    return grants;
  }
}
