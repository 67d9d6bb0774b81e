package io.aifabric.escrow.bridge;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.RefusalMessage;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.escrow.SettlementMessage;

/** A SettlementBatch's spec as the EIP-712 message the oracles sign and the escrow checks. */
public final class BatchSpecs {
  private BatchSpecs() {}

  /**
   * @throws IllegalArgumentException when the entries are not a valid batch (order, ranges)
   */
  public static SettlementMessage message(SettlementBatchSpec spec) {
    return new SettlementMessage(
        spec.getNonce(),
        spec.getDeadline(),
        spec.getEntries().stream()
            .map(e -> new SettlementEntry(e.getEscrowJobId(), e.getProviderId(), e.getUsedGwei()))
            .toList());
  }

  /** The digest to sign, under the domain of the escrow this bridge was configured with. */
  public static byte[] digest(SettlementBatchSpec spec, EscrowChain chain) {
    return message(spec).digest(domain(chain));
  }

  /**
   * The digest an oracle signs to refuse the batch whose settlement digest is given, with the
   * answer's refused jobs and reasons.
   */
  public static byte[] refusalDigest(
      byte[] batchDigest, Attestation refusal, ContractDomain domain) {
    return new RefusalMessage(batchDigest, refusal.getRefusedJobs(), refusal.getRefusals())
        .digest(domain);
  }

  /** The domain of the escrow this bridge was configured with. */
  public static ContractDomain domain(EscrowChain chain) {
    return ContractDomain.jobEscrow(chain.chainId(), chain.escrowAddress());
  }
}
