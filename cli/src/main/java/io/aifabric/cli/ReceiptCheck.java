package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.Signature;
import io.aifabric.protocol.WorkReceipt;

/**
 * Checks a replica's output entry against the node's signature: the receipt is rebuilt from the
 * job's status and must verify under the key the node registered. The status is written by the
 * network's operator; with this check the user relies on the node's signature, not on it.
 */
final class ReceiptCheck {
  private ReceiptCheck() {}

  static WorkReceipt verified(AIJob job, ReplicaOutput output, NodePublicKey nodeKey) {
    if (output.getReceiptSignature() == null
        || output.getNodeAddress() == null
        || output.getContentAddress() == null
        || output.getSealedBytes() == null) {
      throw new IllegalStateException(
          "replica " + output.getReplica() + "'s output in the job's status carries no receipt");
    }
    EthAddress named = EthAddress.parse(output.getNodeAddress());
    if (!nodeKey.address().equals(named)) {
      throw new IllegalStateException(
          "replica "
              + output.getReplica()
              + "'s receipt names node "
              + named
              + ", but ComputeNode "
              + output.getNode()
              + " registered "
              + nodeKey.address());
    }
    WorkReceipt receipt =
        new WorkReceipt(
            job.getMetadata().getUid(),
            output.getReplica(),
            named,
            output.getGpuSeconds(),
            output.getExitCode(),
            Hex.decode(output.getContentAddress(), 32),
            output.getFinishedAtMillis(),
            output.getSealedBytes());
    if (!nodeKey.verifies(receipt.digest(), Signature.parse(output.getReceiptSignature()))) {
      throw new IllegalStateException(
          "replica "
              + output.getReplica()
              + "'s receipt in the job's status is not signed by node "
              + output.getNode()
              + ": the status does not say what the node signed");
    }
    return receipt;
  }
}
