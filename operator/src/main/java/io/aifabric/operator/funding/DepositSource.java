package io.aifabric.operator.funding;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/** Where the operator reads escrow deposits: the chain, read-only. */
public interface DepositSource {
  /** False when the operator was given no chain: jobs that pay from escrow then wait. */
  boolean configured();

  /** The deposit a payer made under a key, if any. */
  Optional<EscrowDeposit> find(String payer, byte[] depositKey) throws IOException;

  /** The time of the chain's latest block: what the escrow compares deadlines with. */
  Instant chainTime() throws IOException;
}
