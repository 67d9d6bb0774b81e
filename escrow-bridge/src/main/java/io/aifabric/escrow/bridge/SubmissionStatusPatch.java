package io.aifabric.escrow.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.ChainSubmissionStatus;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;

/**
 * Writes the status of a SettlementBatch or a Slash with JSON merge patches, each writer touching
 * only what it owns: an oracle its own key of {@code attestations}, the relayer everything else.
 * The relayer's writes carry the resource version it read, so two relayers (a failover gone wrong,
 * or two on purpose) cannot both record a transaction from one state: the second gets a conflict
 * before it broadcasts.
 */
public final class SubmissionStatusPatch {
  private static final ObjectMapper JSON = Serialization.jsonMapper();
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  /** Fields of the relayer's that a merge patch must clear explicitly when they become null. */
  private static final List<String> CLEARABLE = List.of("txHash", "blockNumber", "blockHash");

  /** An answer's fields a merge patch must clear explicitly, so that it replaces a forged one. */
  private static final List<String> ANSWER_FIELDS = List.of("signature", "refusalSignature", "at");

  private SubmissionStatusPatch() {}

  /**
   * One oracle's answer, under its own address only, in place of whatever was there: a merge patch
   * keeps the fields it does not name, so every field of the answer is written, absent ones as null
   * (a forged signature left beside a refusal would otherwise survive it).
   */
  public static <T extends CustomResource<?, ? extends ChainSubmissionStatus>> T attest(
      KubernetesClient client, T resource, String oracle, Attestation attestation) {
    ObjectNode answer = JSON.valueToTree(attestation);
    for (String field : ANSWER_FIELDS) {
      if (!answer.has(field)) {
        answer.putNull(field);
      }
    }
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("status").putObject("attestations").set(oracle, answer);
    return apply(client, resource, patch);
  }

  /** The relayer's part of the status, conditional on the version of the resource it read. */
  public static <T extends CustomResource<?, S>, S extends ChainSubmissionStatus> T relay(
      KubernetesClient client, T resource, S status) {
    ObjectNode fields = JSON.valueToTree(status);
    fields.remove("attestations");
    for (String field : CLEARABLE) {
      if (!fields.has(field)) {
        fields.putNull(field);
      }
    }
    ObjectNode patch = JSON.createObjectNode();
    patch.putObject("metadata").put("resourceVersion", resource.getMetadata().getResourceVersion());
    patch.set("status", fields);
    return apply(client, resource, patch);
  }

  /**
   * The relayer's part of the status when it differs from what the resource holds; the resource
   * then holds what was written (its new version), for the next conditional write.
   */
  public static <T extends CustomResource<?, S>, S extends ChainSubmissionStatus>
      void relayIfChanged(KubernetesClient client, T resource, S status) {
    if (!java.util.Objects.equals(resource.getStatus(), status)) {
      T written = relay(client, resource, status);
      resource.setMetadata(written.getMetadata());
      resource.setStatus(written.getStatus());
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends CustomResource<?, ?>> T apply(
      KubernetesClient client, T resource, ObjectNode patch) {
    return client
        .resources((Class<T>) resource.getClass())
        .inNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .subresource("status")
        .patch(MERGE, patch.toString());
  }

  /** A deep copy of a status, to change and write; a new one when there is none yet. */
  public static <S> S copy(S status, java.util.function.Supplier<S> fresh) {
    return status == null ? fresh.get() : Serialization.clone(status);
  }
}
