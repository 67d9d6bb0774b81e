package io.aifabric.api.v1alpha1.settlement;

import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import java.util.Map;

/**
 * The part of a status the relayer keeps for anything it takes on chain with a quorum of oracle
 * signatures (a SettlementBatch, a Slash): the oracles' answers, every transaction it signed
 * (recorded before it was broadcast), and where the result landed. One relayer drives all of them
 * through the same steps with it.
 */
public interface ChainSubmissionStatus {
  BatchPhase getPhase();

  void setPhase(BatchPhase phase);

  List<Condition> getConditions();

  /** By oracle address (0x, lowercase): its signature, or why it refused. */
  Map<String, Attestation> getAttestations();

  List<BatchTransaction> getTransactions();

  String getTxHash();

  void setTxHash(String txHash);

  Long getBlockNumber();

  void setBlockNumber(Long blockNumber);

  String getBlockHash();

  void setBlockHash(String blockHash);

  Long getGasUsed();

  void setGasUsed(Long gasUsed);
}
