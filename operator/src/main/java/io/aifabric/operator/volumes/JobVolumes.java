package io.aifabric.operator.volumes;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The StorageVolumes a job mounts: found on the host before the job is placed (a job that names a
 * volume that does not exist waits, saying which), claimed in the member it is placed on before it
 * is dispatched (it waits until each claim is bound, or will bind when its pods schedule), and
 * mounted into its pods at their mount paths.
 */
@ApplicationScoped
public class JobVolumes {
  private final KubernetesClient host;

  public JobVolumes(KubernetesClient host) {
    this.host = host;
  }

  /**
   * The job's volumes by name, the members they may all be claimed in (empty: any), the names of
   * volumes that do not exist or are being deleted, and of those that hold sealed inputs.
   */
  public record Resolved(
      Map<String, StorageVolume> volumes,
      Set<String> clusters,
      List<String> missing,
      List<String> withSealedInputs) {}

  public Resolved resolve(AIJob job) {
    Map<String, StorageVolume> found = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    List<String> sealed = new ArrayList<>();
    Set<String> clusters = null;
    for (VolumeMount mount : job.getSpec().getVolumes()) {
      StorageVolume volume =
          host.resources(StorageVolume.class)
              .inNamespace(job.getMetadata().getNamespace())
              .withName(mount.getStorageVolume())
              .get();
      if (volume == null || volume.getMetadata().getDeletionTimestamp() != null) {
        missing.add(mount.getStorageVolume());
        continue;
      }
      found.put(mount.getStorageVolume(), volume);
      if (!volume.getSpec().getInputs().isEmpty()) {
        sealed.add(mount.getStorageVolume());
      }
      List<String> allowed = volume.getSpec().getClusters();
      if (allowed != null && !allowed.isEmpty()) {
        if (clusters == null) {
          clusters = new HashSet<>(allowed);
        } else {
          clusters.retainAll(allowed);
        }
      }
    }
    return new Resolved(found, clusters == null ? Set.of() : clusters, missing, sealed);
  }

  /** Whether a job's claims in its member let it run, and what to say. */
  public record ClaimState(boolean ready, String message) {}

  /**
   * Claims each volume in the member's tenant namespace (if not claimed yet) and says whether all
   * are bound, or will bind when a pod uses them (a WaitForFirstConsumer storage class).
   */
  public ClaimState claim(
      KubernetesClient member,
      String cluster,
      String namespace,
      Map<String, StorageVolume> volumes) {
    List<String> waiting = new ArrayList<>();
    List<String> bound = new ArrayList<>();
    for (StorageVolume volume : volumes.values()) {
      String name = VolumeClaims.claimName(volume);
      PersistentVolumeClaim claim =
          member.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
      if (claim == null) {
        try {
          claim =
              member
                  .persistentVolumeClaims()
                  .inNamespace(namespace)
                  .resource(VolumeClaims.claim(volume, namespace))
                  .create();
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          claim = member.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        }
      }
      String phase = claim.getStatus() == null ? null : claim.getStatus().getPhase();
      String what = volume.getMetadata().getName() + " (claim " + namespace + "/" + name + ")";
      if ("Bound".equals(phase)) {
        bound.add(what + " bound to " + claim.getSpec().getVolumeName());
      } else if (bindsOnFirstUse(member, claim)) {
        bound.add(what + " binds when the job's pods are scheduled");
      } else {
        waiting.add(what + " is " + (phase == null ? "not bound yet" : phase));
      }
    }
    if (!waiting.isEmpty()) {
      return new ClaimState(
          false,
          "waiting in "
              + cluster
              + " for "
              + String.join("; ", waiting)
              + ": no PersistentVolume there matches it yet");
    }
    return new ClaimState(true, "in " + cluster + ": " + String.join("; ", bound));
  }

  private static boolean bindsOnFirstUse(KubernetesClient member, PersistentVolumeClaim claim) {
    String className = claim.getSpec().getStorageClassName();
    if (className == null || className.isEmpty()) {
      return false;
    }
    try {
      StorageClass storageClass = member.storage().v1().storageClasses().withName(className).get();
      return storageClass != null
          && "WaitForFirstConsumer".equals(storageClass.getVolumeBindingMode());
    } catch (KubernetesClientException e) {
      return false;
    }
  }

  /** Mounts each of the job's volumes into the pod's containers at its mount path. */
  public static void mount(PodSpec pod, AIJob job, Map<String, StorageVolume> volumes) {
    int i = 0;
    for (VolumeMount mount : job.getSpec().getVolumes()) {
      StorageVolume volume = volumes.get(mount.getStorageVolume());
      String name = "volume-" + i++;
      boolean readOnly = Boolean.TRUE.equals(mount.getReadOnly());
      pod.getVolumes()
          .add(
              new VolumeBuilder()
                  .withName(name)
                  .withNewPersistentVolumeClaim(VolumeClaims.claimName(volume), readOnly)
                  .build());
      pod.getContainers()
          .get(0)
          .getVolumeMounts()
          .add(
              new VolumeMountBuilder()
                  .withName(name)
                  .withMountPath(mount.getMountPath())
                  .withReadOnly(readOnly)
                  .build());
    }
  }
}
