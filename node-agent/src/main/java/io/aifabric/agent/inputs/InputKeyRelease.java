package io.aifabric.agent.inputs;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.protocol.seal.KeyGrant;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.aifabric.protocol.seal.SealedOutputException;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Opens this node's key grants for a pod's sealed inputs and hands the keys to the pod: when a pod
 * that carries a {@link SealedInputManifest} is scheduled here, each input's grant for this node is
 * opened with the node's X25519 key (bound to the network, the pod's job, this node and the input's
 * content address) and the keys are written into the Secret {@code <member Job>-input-keys}, owned
 * by that Job, which the pod's input step mounts (the kubelet holds the pod until it exists). The
 * keys are those of the job's own inputs, which the job's containers read in plaintext anyway; the
 * node's own key never leaves the agent.
 */
@ApplicationScoped
public class InputKeyRelease {
  private static final Logger LOG = Logger.getLogger(InputKeyRelease.class);
  static final String JOB_UID = "aifabric.io/job-uid";

  private final NodeKeyring identity;
  private final AgentConfig config;
  private final Instance<KubernetesClient> client;
  private final Set<String> released = ConcurrentHashMap.newKeySet();
  private final Set<String> refused = ConcurrentHashMap.newKeySet();

  public InputKeyRelease(
      NodeKeyring identity, AgentConfig config, Instance<KubernetesClient> client) {
    this.identity = identity;
    this.config = config;
    this.client = client;
  }

  /** What to release for a pod: the Secret, or why nothing is (empty: not a pod with inputs). */
  public record Release(Secret secret, String refusal) {}

  public void consider(Pod pod) {
    String podUid = pod.getMetadata().getUid();
    if (released.contains(podUid) || refused.contains(podUid)) {
      return;
    }
    Optional<Release> release =
        releaseFor(pod, config.cluster() + "." + config.nodeName(), identity);
    if (release.isEmpty()) {
      return;
    }
    if (release.get().refusal() != null) {
      refused.add(podUid);
      LOG.warnf(
          "not releasing input keys for pod %s/%s: %s",
          pod.getMetadata().getNamespace(), pod.getMetadata().getName(), release.get().refusal());
      return;
    }
    Secret secret = release.get().secret();
    try {
      client
          .get()
          .secrets()
          .inNamespace(secret.getMetadata().getNamespace())
          .resource(secret)
          .create();
      LOG.infof(
          "released the keys of %d sealed inputs for pod %s/%s",
          secret.getData().size(), pod.getMetadata().getNamespace(), pod.getMetadata().getName());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        // Looked at again with the pod's next update.
        LOG.warnf(
            "could not write %s/%s: %s",
            secret.getMetadata().getNamespace(), secret.getMetadata().getName(), e.getMessage());
        return;
      }
      // Another replica's node released the same keys for the job first.
    }
    released.add(podUid);
  }

  /**
   * The Secret to write for a pod on this node ({@code computeNode}), a refusal, or empty when the
   * pod has no sealed inputs.
   */
  static Optional<Release> releaseFor(Pod pod, String computeNode, NodeKeyring identity) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String json = annotations == null ? null : annotations.get(SealedInputManifest.ANNOTATION);
    if (json == null) {
      return Optional.empty();
    }
    SealedInputManifest manifest;
    try {
      manifest = SealedInputManifest.parse(json);
    } catch (SealedOutputException e) {
      return refusal(e.getMessage());
    }
    String jobUid =
        pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(JOB_UID);
    if (!manifest.jobUid().equals(jobUid)) {
      return refusal(
          "the manifest is for job " + manifest.jobUid() + ", the pod is of job " + jobUid);
    }
    OwnerReference owner =
        pod.getMetadata().getOwnerReferences() == null
            ? null
            : pod.getMetadata().getOwnerReferences().stream()
                .filter(o -> "Job".equals(o.getKind()))
                .findFirst()
                .orElse(null);
    if (owner == null) {
      return refusal("the pod belongs to no Job");
    }
    Map<String, String> keys = new LinkedHashMap<>();
    for (int i = 0; i < manifest.inputs().size(); i++) {
      SealedInputManifest.Entry entry = manifest.inputs().get(i);
      byte[] grant = entry.grants().get(computeNode);
      String what = "input " + entry.input() + " of volume " + entry.volume();
      if (grant == null) {
        return refusal("no key of " + what + " is granted to " + computeNode);
      }
      try {
        byte[] key =
            KeyGrant.unwrap(
                grant,
                identity.exchangeKeyPair(),
                entry.grantBinding(manifest.network(), jobUid, computeNode));
        keys.put(SealedInputManifest.keyName(i), Base64.getEncoder().encodeToString(key));
      } catch (SealedOutputException e) {
        return refusal(what + ": " + e.getMessage());
      }
    }
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SealedInputManifest.keySecretName(owner.getName()))
            .withNamespace(pod.getMetadata().getNamespace())
            .addToLabels(JOB_UID, jobUid)
            .addToLabels("app.kubernetes.io/managed-by", "aifabric-node-agent")
            .addNewOwnerReference()
            .withApiVersion("batch/v1")
            .withKind("Job")
            .withName(owner.getName())
            .withUid(owner.getUid())
            .endOwnerReference()
            .endMetadata()
            .withType("Opaque")
            .withData(keys)
            .build();
    return Optional.of(new Release(secret, null));
  }

  private static Optional<Release> refusal(String why) {
    return Optional.of(new Release(null, why));
  }
}
