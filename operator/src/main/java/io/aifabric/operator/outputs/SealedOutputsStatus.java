package io.aifabric.operator.outputs;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.proof.WorkReceipts;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a job's sealed outputs into its status, from the receipts its nodes signed: per replica
 * the content address, size and where to fetch it ({@code status.outputs}), with the receipt itself
 * so the user can check the node's signature; and the {@code OutputsSealed} condition.
 */
@ApplicationScoped
public class SealedOutputsStatus {
  public static final String CONDITION = "OutputsSealed";

  private final KubernetesClient host;
  private final Conditions conditions;
  private final OperatorConfig config;

  public SealedOutputsStatus(KubernetesClient host, Conditions conditions, OperatorConfig config) {
    this.host = host;
    this.conditions = conditions;
    this.config = config;
  }

  /**
   * Records the sealed outputs the matched receipts name.
   *
   * @param byReplica each replica's receipt from the node it ran on, null where none yet
   */
  public void record(AIJob job, AIJobStatus status, List<WorkReceipts.Signed> byReplica) {
    if (job.getSpec().getEncryption() == null || status.getPlacement() == null) {
      return;
    }
    String cluster = status.getPlacement().getCluster();
    ObjectStore store = store(cluster);
    List<ReplicaOutput> outputs = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<String> unsealed = new ArrayList<>();
    int sealed = 0;
    for (int replica = 0; replica < byReplica.size(); replica++) {
      WorkReceipts.Signed signed = byReplica.get(replica);
      if (signed == null) {
        continue;
      }
      WorkReceipt receipt = signed.receipt();
      if (!receipt.sealed()) {
        unsealed.add(String.valueOf(replica));
        continue;
      }
      if (receipt.sealedBytes() == 0) {
        failed.add(String.valueOf(replica));
        continue;
      }
      sealed++;
      ReplicaOutput output = new ReplicaOutput();
      output.setReplica(replica);
      output.setNode(signed.computeNode());
      output.setNodeAddress(receipt.node().toString());
      output.setContentAddress(Hex.encode(receipt.outputDigest()));
      output.setSealedBytes(receipt.sealedBytes());
      if (store != null) {
        output.setUrl(
            SealedOutputObjects.url(
                    store.getEndpoint(),
                    store.getBucket(),
                    SealedOutputObjects.key(config.networkId(), receipt.jobUid(), replica))
                .toString());
      }
      output.setGpuSeconds(receipt.gpuSeconds());
      output.setExitCode(receipt.exitCode());
      output.setFinishedAtMillis(receipt.finishedAtMillis());
      output.setReceiptSignature(signed.signature() == null ? null : signed.signature().toString());
      outputs.add(output);
    }
    status.setOutputs(outputs.isEmpty() ? null : outputs);
    int replicas = byReplica.size();
    String reason;
    String message;
    if (!failed.isEmpty()) {
      reason = "SealingFailed";
      message =
          "the sealing sidecar of replica(s) "
              + String.join(", ", failed)
              + " reported no sealed output; their outputs are lost";
    } else if (!unsealed.isEmpty()) {
      reason = "NotSealed";
      message =
          "the receipt of replica(s) "
              + String.join(", ", unsealed)
              + " names no sealed output (the node did not run the sealing sidecar)";
    } else if (sealed == replicas) {
      reason = "AllOutputsSealed";
      message =
          replicas
              + " of "
              + replicas
              + " replicas' outputs are sealed to the user's key and stored in "
              + cluster
              + "'s object store";
    } else {
      reason = "AwaitingReceipts";
      message = sealed + " of " + replicas + " replicas' sealed outputs are receipted so far";
    }
    conditions.set(
        status.getConditions(),
        CONDITION,
        sealed == replicas ? Conditions.TRUE : Conditions.FALSE,
        reason,
        message,
        job.getMetadata().getGeneration());
  }

  private ObjectStore store(String cluster) {
    MemberCluster member = host.resources(MemberCluster.class).withName(cluster).get();
    return member == null ? null : member.getSpec().getObjectStore();
  }
}
