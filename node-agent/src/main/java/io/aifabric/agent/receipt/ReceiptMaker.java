package io.aifabric.agent.receipt;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Keccak256;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealReport;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a node says about a replica that ended on it: from the pod the member ran (the AIJob's UID
 * label, the completion index, the main container's start, end and exit code, the GPUs it asked
 * for) to the receipt the node signs.
 *
 * <p>What the replica produced: for a job whose outputs are sealed (its pods have the sealing
 * sidecar, a native sidecar named {@value #SEAL}), the receipt waits for the sidecar to end and
 * names the sealed output its termination message reports (content address and size); a sidecar
 * that ended without a report is a receipt with a sealed output of 0 bytes, which no oracle pays.
 * Otherwise the output digest is what the job wrote to its termination message (0x and 32 bytes,
 * its own digest of its outputs), or the digest of that message.
 */
public final class ReceiptMaker {
  static final String JOB_UID = "aifabric.io/job-uid";
  static final String INDEX = "batch.kubernetes.io/job-completion-index";
  static final String SEAL = "seal";
  private static final Pattern DIGEST = Pattern.compile("0x[0-9a-f]{64}");

  private ReceiptMaker() {}

  /** The receipt for a pod whose replica has ended, or empty while it runs (or is not a job's). */
  public static Optional<WorkReceipt> fromPod(Pod pod, EthAddress node) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    if (labels == null
        || labels.get(JOB_UID) == null
        || annotations == null
        || annotations.get(INDEX) == null) {
      return Optional.empty();
    }
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    ContainerStateTerminated ended =
        pod.getStatus().getContainerStatuses().stream()
            .filter(cs -> "main".equals(cs.getName()))
            .map(ContainerStatus::getState)
            .filter(state -> state != null && state.getTerminated() != null)
            .map(state -> state.getTerminated())
            .findFirst()
            .orElse(null);
    if (ended == null || ended.getStartedAt() == null || ended.getFinishedAt() == null) {
      return Optional.empty();
    }
    byte[] digest = outputDigest(ended.getMessage());
    long sealedBytes = WorkReceipt.NOT_SEALED;
    if (hasSealingSidecar(pod)) {
      Optional<ContainerStateTerminated> sealed = sidecarEnded(pod);
      if (sealed.isEmpty()) {
        return Optional.empty();
      }
      Optional<SealReport> report = SealReport.parse(sealed.get().getMessage());
      digest = report.map(SealReport::address).orElse(new byte[32]);
      sealedBytes = report.map(SealReport::sealedBytes).orElse(0L);
    }
    Instant started = Instant.parse(ended.getStartedAt());
    Instant finished = Instant.parse(ended.getFinishedAt());
    long seconds = Math.max(0, Duration.between(started, finished).toSeconds());
    return Optional.of(
        new WorkReceipt(
            labels.get(JOB_UID),
            Integer.parseInt(annotations.get(INDEX)),
            node,
            seconds * gpus(pod),
            ended.getExitCode() == null ? -1 : ended.getExitCode(),
            digest,
            finished.toEpochMilli(),
            sealedBytes));
  }

  private static boolean hasSealingSidecar(Pod pod) {
    return pod.getSpec().getInitContainers() != null
        && pod.getSpec().getInitContainers().stream()
            .anyMatch(c -> SEAL.equals(c.getName()) && "Always".equals(c.getRestartPolicy()));
  }

  private static Optional<ContainerStateTerminated> sidecarEnded(Pod pod) {
    if (pod.getStatus().getInitContainerStatuses() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getInitContainerStatuses().stream()
        .filter(cs -> SEAL.equals(cs.getName()))
        .map(ContainerStatus::getState)
        .filter(state -> state != null && state.getTerminated() != null)
        .map(state -> state.getTerminated())
        .findFirst();
  }

  private static int gpus(Pod pod) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getResources() != null && c.getResources().getLimits() != null)
        .map(c -> c.getResources().getLimits().get("nvidia.com/gpu"))
        .filter(q -> q != null)
        .mapToInt(q -> Quantity.getAmountInBytes(q).intValue())
        .sum();
  }

  static byte[] outputDigest(String message) {
    String text = message == null ? "" : message.strip();
    if (DIGEST.matcher(text).matches()) {
      return Hex.decode(text, 32);
    }
    return Keccak256.hash(text.getBytes(StandardCharsets.UTF_8));
  }
}
