package io.aifabric.console.chain;

import java.util.Optional;

/** Where a job page reads its deposit on the chain from. */
public interface DepositSource {
  /** The deposit with this escrow job id, or empty when no chain is configured. */
  Optional<EscrowDeposit> deposit(long escrowJobId);
}
