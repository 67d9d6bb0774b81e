package io.aifabric.console.view;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.quarkus.qute.TemplateData;
import java.util.List;

/** An AIJob as the console shows it: placement and why, its replicas' proofs, cost, settlement. */
@TemplateData
public record JobView(
    String namespace,
    String name,
    String uid,
    String phase,
    int replicas,
    int gpusPerReplica,
    String cluster,
    String gpuModel,
    List<String> nodes,
    String pricePerGpuHour,
    long gpuSeconds,
    int receipts,
    String cost,
    String startTime,
    String endTime,
    String payer,
    boolean escrow,
    String batch,
    String txHash,
    Long blockNumber,
    List<String> settlementRefusals,
    List<Replica> outputs,
    List<ConditionView> conditions,
    Funding funding) {

  /**
   * What the operator recorded of the deposit that funds the job (its status): the key to deposit
   * under, the least it must hold (ETH), and once found the escrow's id, provider and deadline.
   */
  @TemplateData
  public record Funding(
      String depositKey, String required, Long escrowJobId, String provider, String deadline) {}

  /** A replica's signed receipt and sealed output. */
  @TemplateData
  public record Replica(
      int replica,
      String node,
      String nodeAddress,
      long gpuSeconds,
      Integer exitCode,
      String contentAddress,
      Long sealedBytes,
      String url,
      String signature) {}

  public static JobView of(AIJob job) {
    AIJobStatus s = job.getStatus() == null ? new AIJobStatus() : job.getStatus();
    var spec = job.getSpec();
    var placement = s.getPlacement();
    var settlement = s.getSettlement();
    List<Replica> outputs =
        s.getOutputs() == null ? List.of() : s.getOutputs().stream().map(JobView::replica).toList();
    return new JobView(
        job.getMetadata().getNamespace(),
        job.getMetadata().getName(),
        job.getMetadata().getUid(),
        s.getPhase() == null ? "Pending" : s.getPhase().name(),
        spec == null || spec.getReplicas() == null ? 1 : spec.getReplicas(),
        spec == null
                || spec.getResources() == null
                || spec.getResources().getGpusPerReplica() == null
            ? 0
            : spec.getResources().getGpusPerReplica(),
        placement == null ? null : placement.getCluster(),
        placement == null ? null : placement.getGpuModel(),
        placement == null || placement.getNodes() == null ? List.of() : placement.getNodes(),
        placement == null ? null : placement.getPricePerGpuHour(),
        s.getGpuSeconds() == null ? 0 : s.getGpuSeconds(),
        s.getReceiptCount() == null ? 0 : s.getReceiptCount(),
        s.getCost(),
        s.getStartTime(),
        s.getEndTime(),
        spec == null || spec.getPayment() == null ? null : spec.getPayment().getPayer(),
        spec != null
            && spec.getPayment() != null
            && Boolean.TRUE.equals(spec.getPayment().getEscrow()),
        settlement == null ? null : settlement.getBatch(),
        settlement == null ? null : settlement.getTxHash(),
        settlement == null ? null : settlement.getBlockNumber(),
        s.getSettlementRefusal() == null || s.getSettlementRefusal().getReasons() == null
            ? List.of()
            : s.getSettlementRefusal().getReasons(),
        outputs,
        ConditionView.of(s.getConditions()),
        s.getFunding() == null
            ? null
            : new Funding(
                s.getFunding().getDepositKey(),
                s.getFunding().getRequired(),
                s.getFunding().getEscrowJobId(),
                s.getFunding().getProvider(),
                s.getFunding().getDeadline()));
  }

  private static Replica replica(ReplicaOutput o) {
    return new Replica(
        o.getReplica() == null ? 0 : o.getReplica(),
        o.getNode(),
        o.getNodeAddress(),
        o.getGpuSeconds() == null ? 0 : o.getGpuSeconds(),
        o.getExitCode(),
        o.getContentAddress(),
        o.getSealedBytes(),
        o.getUrl(),
        o.getReceiptSignature());
  }

  public String path() {
    return Paths.job(namespace, name);
  }

  public String key() {
    return namespace + "/" + name;
  }

  public int gpus() {
    return replicas * gpusPerReplica;
  }

  public boolean settled() {
    return blockNumber != null;
  }

  /** Why it waits, from its Placed condition, when it is not placed. */
  public String waitingBecause() {
    return ConditionView.find(conditions, "Placed")
        .filter(c -> !c.isTrue())
        .map(ConditionView::message)
        .orElse(null);
  }
}
