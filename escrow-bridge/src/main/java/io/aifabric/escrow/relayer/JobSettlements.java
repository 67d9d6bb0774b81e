package io.aifabric.escrow.relayer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.aijob.SettlementRefusal;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes the relayer's two fields of a job's status with merge patches that touch nothing else:
 * where it was paid ({@code status.settlement}: batch, transaction, block; the operator then shows
 * the job Settled), or why the oracles refused it for now ({@code status.settlementRefusal}).
 */
final class JobSettlements {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private JobSettlements() {}

  /**
   * The job was paid; any earlier refusal is cleared.
   *
   * @return false when the job no longer exists, or its name is now another job's (it was paid all
   *     the same)
   */
  static boolean record(
      KubernetesClient client, SettlementBatchSpec.BatchEntry entry, Settlement settlement) {
    ObjectNode status = JSON.createObjectNode();
    status.set("settlement", JSON.valueToTree(settlement));
    status.putNull("settlementRefusal");
    return patch(client, entry, status);
  }

  /**
   * The oracles refused the job; it waits until the refusal's {@code retryAfter}.
   *
   * @return false when the job no longer exists, or its name is now another job's
   */
  static boolean refused(
      KubernetesClient client, SettlementBatchSpec.BatchEntry entry, SettlementRefusal refusal) {
    ObjectNode status = JSON.createObjectNode();
    status.set("settlementRefusal", JSON.valueToTree(refusal));
    return patch(client, entry, status);
  }

  private static boolean patch(
      KubernetesClient client, SettlementBatchSpec.BatchEntry entry, ObjectNode status) {
    ObjectNode patch = JSON.createObjectNode();
    // The UID makes the patch fail on a new job that took a deleted one's name.
    patch.putObject("metadata").put("uid", entry.getJobUid());
    patch.set("status", status);
    try {
      client
          .resources(AIJob.class)
          .inNamespace(entry.getJobNamespace())
          .withName(entry.getJobName())
          .subresource("status")
          .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409 || e.getCode() == 422) {
        return false;
      }
      throw e;
    }
  }
}
