package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * Conditions: Attested, Settled. Oracles each write their own key of {@code attestations} (a JSON
 * merge patch touches only that key, so oracles never overwrite each other); everything else is the
 * relayer's.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SettlementBatchStatus implements ChainSubmissionStatus {
  private BatchPhase phase;
  private List<Condition> conditions = new ArrayList<>();

  /** Jobs in the batch (for kubectl get). */
  private Integer jobs;

  /** By oracle address (0x, lowercase): its signature over the batch, or why it refused. */
  private Map<String, Attestation> attestations = new LinkedHashMap<>();

  /**
   * Every settlement transaction the relayer signed, recorded before it was broadcast: a relayer
   * that restarts looks each one up before it signs another, so a batch is never sent twice
   * unknowingly. Replacements (higher fee, same account nonce) are appended.
   */
  private List<BatchTransaction> transactions = new ArrayList<>();

  /** The transaction that settled the batch, its block and block hash (a reorg changes them). */
  private String txHash;

  private Long blockNumber;
  private String blockHash;

  /** Gas the transaction used, from its receipt once it is confirmed. */
  private Long gasUsed;

  /** Jobs the escrow closed in this batch, and jobs it skipped (closed before, e.g. refunded). */
  private Integer settledJobs;

  private Integer skippedJobs;

  /**
   * UIDs of the jobs that cost this batch its quorum: refused, under the oracles' own signatures,
   * by so many oracles that they could not reach the threshold (or, when no job did that alone,
   * every refused job). Later batches leave them out until {@code refusedUntil} (the reasons are in
   * {@code attestations} and in each job's {@code status.settlementRefusal}); jobs only a minority
   * refused go into the next batch again.
   */
  private List<String> refusedJobs = new ArrayList<>();

  /** RFC 3339: when the refused jobs are audited for a batch again. */
  private String refusedUntil;
}
