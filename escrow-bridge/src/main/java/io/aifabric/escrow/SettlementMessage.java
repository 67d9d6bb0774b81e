package io.aifabric.escrow;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * A batch of job settlements as the oracles sign it and JobEscrow.settle takes it: the escrow's
 * next settlement nonce, a deadline (unix seconds) after which the signatures are void, and the
 * entries in ascending job order, packed 20 bytes each.
 */
public record SettlementMessage(long nonce, long deadline, List<SettlementEntry> entries) {
  private static final byte[] TYPEHASH =
      Hash.sha3(
          "Settlement(uint64 nonce,uint64 deadline,bytes entries)"
              .getBytes(StandardCharsets.UTF_8));

  public SettlementMessage {
    if (nonce < 0 || deadline <= 0) {
      throw new IllegalArgumentException("nonce and deadline must be positive");
    }
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a batch settles at least one job");
    }
    entries = List.copyOf(entries);
    for (int i = 1; i < entries.size(); i++) {
      if (entries.get(i).jobId() <= entries.get(i - 1).jobId()) {
        throw new IllegalArgumentException(
            "jobs must be in strictly ascending order (each once): job "
                + entries.get(i).jobId()
                + " follows "
                + entries.get(i - 1).jobId());
      }
    }
  }

  /** The {@code entries} argument of settle: per job uint64 jobId, uint32 provider, uint64 gwei. */
  public byte[] packedEntries() {
    ByteBuffer packed = ByteBuffer.allocate(entries.size() * SettlementEntry.LENGTH);
    for (SettlementEntry e : entries) {
      packed.putLong(e.jobId()).putInt((int) e.providerId()).putLong(e.usedGwei());
    }
    return packed.array();
  }

  /** What each oracle signs: the EIP-712 digest of this batch under the escrow's domain. */
  public byte[] digest(ContractDomain domain) {
    byte[] structHash =
        Hash.sha3(
            AbiWords.concat(
                TYPEHASH,
                AbiWords.uint(nonce),
                AbiWords.uint(deadline),
                Hash.sha3(packedEntries())));
    return domain.digest(structHash);
  }
}
