package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * Conditions: Attested, Submitted, Posted. Oracles each write their own key of {@code attestations}
 * (with the root and total they signed); everything else is the relayer's.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochRewardStatus implements ChainSubmissionStatus {
  private BatchPhase phase;
  private List<Condition> conditions = new ArrayList<>();

  /** By oracle address (0x, lowercase): its root, total and signature, or why it refused. */
  private Map<String, Attestation> attestations = new LinkedHashMap<>();

  /** Every postEpoch transaction the relayer signed, recorded before it was broadcast. */
  private List<BatchTransaction> transactions = new ArrayList<>();

  /** The root the relayer submits (once a quorum signed it), then the root the chain holds. */
  private String root;

  /** The total score that goes with {@link #root}: a node's share is its score over it. */
  private Long totalScore;

  /** The transaction that posted the epoch, its block and block hash (a reorg changes them). */
  private String txHash;

  private Long blockNumber;
  private String blockHash;

  /** Gas the transaction used, from its receipt once it is confirmed. */
  private Long gasUsed;
}
