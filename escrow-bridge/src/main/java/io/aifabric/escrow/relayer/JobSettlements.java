package io.aifabric.escrow.relayer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * Writes where a job was paid into its status ({@code status.settlement}: batch, transaction,
 * block), with a merge patch that touches nothing else; the operator then shows the job Settled.
 */
final class JobSettlements {
  private static final ObjectMapper JSON = Serialization.jsonMapper();

  private JobSettlements() {}

  /**
   * @return false when the job no longer exists, or its name is now another job's (it was paid all
   *     the same)
   */
  static boolean record(
      KubernetesClient client, SettlementBatchSpec.BatchEntry entry, Settlement settlement) {
    ObjectNode patch = JSON.createObjectNode();
    // The UID makes the patch fail on a new job that took a deleted one's name.
    patch.putObject("metadata").put("uid", entry.getJobUid());
    patch.putObject("status").set("settlement", JSON.valueToTree(settlement));
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
