package io.aifabric.console.view;

import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.quarkus.qute.TemplateData;
import java.util.List;

/** A SettlementBatch: each oracle's attestation or refusal with its reasons, its transactions. */
@TemplateData
public record BatchView(
    String namespace,
    String name,
    long nonce,
    String phase,
    int jobs,
    String txHash,
    Long blockNumber,
    Long gasUsed,
    Integer settledJobs,
    Integer skippedJobs,
    String created,
    List<String> jobKeys,
    List<Oracle> oracles,
    List<Transaction> transactions,
    List<ConditionView> conditions) {

  /** One oracle's word on the batch: its signature, or the jobs it refused and why. */
  @TemplateData
  public record Oracle(
      String address, boolean signed, List<String> refusals, List<String> refusedJobs, String at) {}

  /** A settlement transaction the relayer signed. */
  @TemplateData
  public record Transaction(
      String hash, String from, Long nonce, Long gasLimit, String maxFeePerGas, String signedAt) {}

  public static BatchView of(SettlementBatch batch) {
    SettlementBatchStatus s =
        batch.getStatus() == null ? new SettlementBatchStatus() : batch.getStatus();
    var spec = batch.getSpec();
    List<String> jobKeys =
        spec == null || spec.getEntries() == null
            ? List.of()
            : spec.getEntries().stream()
                .map(e -> e.getJobNamespace() + "/" + e.getJobName())
                .toList();
    return new BatchView(
        batch.getMetadata().getNamespace(),
        batch.getMetadata().getName(),
        spec == null || spec.getNonce() == null ? 0 : spec.getNonce(),
        s.getPhase() == null ? "Pending" : s.getPhase().name(),
        s.getJobs() == null ? 0 : s.getJobs(),
        s.getTxHash(),
        s.getBlockNumber(),
        s.getGasUsed(),
        s.getSettledJobs(),
        s.getSkippedJobs(),
        batch.getMetadata().getCreationTimestamp(),
        jobKeys,
        s.getAttestations() == null
            ? List.of()
            : s.getAttestations().entrySet().stream()
                .map(
                    e ->
                        new Oracle(
                            e.getKey(),
                            e.getValue().getSignature() != null,
                            e.getValue().getRefusals() == null
                                ? List.of()
                                : e.getValue().getRefusals(),
                            e.getValue().getRefusedJobs() == null
                                ? List.of()
                                : e.getValue().getRefusedJobs(),
                            e.getValue().getAt()))
                .toList(),
        s.getTransactions() == null
            ? List.of()
            : s.getTransactions().stream()
                .map(
                    t ->
                        new Transaction(
                            t.getHash(),
                            t.getFrom(),
                            t.getNonce(),
                            t.getGasLimit(),
                            t.getMaxFeePerGas(),
                            t.getSignedAt()))
                .toList(),
        ConditionView.of(s.getConditions()));
  }

  public String path() {
    return Paths.batch(namespace, name);
  }

  /** How many oracles signed it. */
  public long signatures() {
    return oracles.stream().filter(Oracle::signed).count();
  }

  public String key() {
    return namespace + "/" + name;
  }
}
