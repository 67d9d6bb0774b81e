package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * Conditions: Attested, Submitted, Slashed. Oracles each write their own key of {@code
 * attestations}; everything else is the relayer's (as for a SettlementBatch).
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlashStatus implements ChainSubmissionStatus {
  private BatchPhase phase;
  private List<Condition> conditions = new ArrayList<>();

  /** By oracle address (0x, lowercase): its signature over the slash, or why it refused. */
  private Map<String, Attestation> attestations = new LinkedHashMap<>();

  /** Every slash transaction the relayer signed, recorded before it was broadcast. */
  private List<BatchTransaction> transactions = new ArrayList<>();

  /** The transaction that slashed, its block and block hash (a reorg changes them). */
  private String txHash;

  private Long blockNumber;
  private String blockHash;

  /** Gas the transaction used, from its receipt once it is confirmed. */
  private Long gasUsed;

  /** What the provider's stake lost, in wei (less than asked when it had less). */
  private String taken;
}
