package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * Conditions: Valid, Funded, Placed, Dispatched, Running, Succeeded, Receipted, OutputsSealed,
 * Settled.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AIJobStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private JobPhase phase;
  private Placement placement;
  private String startTime;
  private String endTime;
  private Long gpuSeconds;

  /** Cost so far at the member's price, a decimal string in the settlement token. */
  private String cost;

  private Integer receiptCount;

  /** keccak256 (0x) over the digests of the job's verified work receipts, in replica order. */
  private String receiptsDigest;

  /**
   * For a job with spec.encryption: each replica's sealed output, from its signed work receipt, in
   * replica order.
   */
  private List<ReplicaOutput> outputs;

  /** For a job that pays from escrow: the deposit it waits for, or the one that funds it. */
  private Funding funding;

  private Settlement settlement;

  /** Set while the oracles' refusal keeps the job out of settlement batches. */
  private SettlementRefusal settlementRefusal;
}
