package io.aifabric.operator.outputs;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a job with sealed outputs adds to its pods: an output directory (an emptyDir at {@value
 * #OUTPUT_DIR}) the job writes to, and the sealing sidecar — a native sidecar (an init container
 * with restartPolicy Always) that starts with the pod, is stopped by the kubelet once the job's
 * container has ended, and then seals the directory to the user's key and uploads it with its
 * replica's presigned URL. Only the sidecar mounts the URLs (a Secret in the tenant namespace,
 * owned by the member Job so it goes with it); the job's own container never sees them.
 */
public final class SealingSidecar {
  /** The sidecar container's name; the node agent reads its termination message. */
  public static final String CONTAINER = "seal";

  public static final String OUTPUT_DIR = "/aifabric/output";
  static final String UPLOAD_DIR = "/aifabric/upload";
  static final String OUTPUT_VOLUME = "aifabric-output";
  static final String UPLOAD_VOLUME = "aifabric-upload";
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  private SealingSidecar() {}

  /** The name of the Secret with a job's upload URLs. */
  public static String uploadSecretName(String jobName) {
    return jobName + "-upload";
  }

  /**
   * Adds the output directory and the sidecar to a member Job's pod spec, with the job's own
   * container ("main") writing to the directory.
   */
  public static void addTo(
      PodSpec pod,
      String jobName,
      String image,
      String recipientPublicKey,
      String network,
      String jobUid,
      Duration window) {
    pod.getVolumes()
        .add(new VolumeBuilder().withName(OUTPUT_VOLUME).withNewEmptyDir().endEmptyDir().build());
    pod.getVolumes()
        .add(
            new VolumeBuilder()
                .withName(UPLOAD_VOLUME)
                .withNewSecret()
                .withSecretName(uploadSecretName(jobName))
                // Group-readable: the pod's fsGroup owns secret files; nobody else reads them.
                .withDefaultMode(0440)
                .endSecret()
                .build());
    for (Container container : pod.getContainers()) {
      container
          .getVolumeMounts()
          .add(new VolumeMountBuilder().withName(OUTPUT_VOLUME).withMountPath(OUTPUT_DIR).build());
      container
          .getEnv()
          .add(new EnvVarBuilder().withName("AIFABRIC_OUTPUT_DIR").withValue(OUTPUT_DIR).build());
    }
    if (pod.getSecurityContext() != null) {
      pod.getSecurityContext().setFsGroup(pod.getSecurityContext().getRunAsUser());
    }
    pod.setTerminationGracePeriodSeconds(window.toSeconds());
    pod.getInitContainers().add(sidecar(image, recipientPublicKey, network, jobUid));
  }

  private static Container sidecar(
      String image, String recipientPublicKey, String network, String jobUid) {
    List<EnvVar> env =
        List.of(
            env("AIFABRIC_SEAL_RECIPIENT", recipientPublicKey),
            env("AIFABRIC_SEAL_NETWORK", network),
            env("AIFABRIC_SEAL_JOB_UID", jobUid),
            new EnvVarBuilder()
                .withName("AIFABRIC_SEAL_REPLICA")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']")
                .endFieldRef()
                .endValueFrom()
                .build(),
            env("AIFABRIC_SEAL_OUTPUT_DIR", OUTPUT_DIR),
            env("AIFABRIC_SEAL_UPLOAD_DIR", UPLOAD_DIR));
    return SealerContainer.of(CONTAINER, image)
        .withRestartPolicy("Always")
        .withEnv(env)
        .withVolumeMounts(
            new VolumeMountBuilder()
                .withName(OUTPUT_VOLUME)
                .withMountPath(OUTPUT_DIR)
                .withReadOnly(true)
                .build(),
            new VolumeMountBuilder()
                .withName(UPLOAD_VOLUME)
                .withMountPath(UPLOAD_DIR)
                .withReadOnly(true)
                .build())
        .build();
  }

  /** The Secret with each replica's upload URL (key = replica index), owned by the member Job. */
  public static Secret uploadSecret(Job owner, List<String> urls, Map<String, String> labels) {
    return new SecretBuilder(
            uploadSecret(
                owner.getMetadata().getNamespace(), owner.getMetadata().getName(), urls, labels))
        .editMetadata()
        .addNewOwnerReference()
        .withApiVersion("batch/v1")
        .withKind("Job")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  /**
   * The same Secret before its Job exists, as a pull member's work carries it: the member's agent
   * makes it owned by the Job it created (the Job's UID exists only in the member).
   */
  public static Secret uploadSecret(
      String namespace, String jobName, List<String> urls, Map<String, String> labels) {
    Map<String, String> data = new LinkedHashMap<>();
    for (int replica = 0; replica < urls.size(); replica++) {
      data.put(String.valueOf(replica), urls.get(replica));
    }
    return new SecretBuilder()
        .withNewMetadata()
        .withName(uploadSecretName(jobName))
        .withNamespace(namespace)
        .withLabels(labels)
        .endMetadata()
        .withType("Opaque")
        .withStringData(data)
        .build();
  }

  private static EnvVar env(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }
}
