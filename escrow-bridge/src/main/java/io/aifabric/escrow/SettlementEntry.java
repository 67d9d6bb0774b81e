package io.aifabric.escrow;

/**
 * One job in a settlement batch: the escrow's job id, the provider's account id in the escrow (as
 * the deposit recorded it; the contract refuses any other), and the gwei the job used.
 */
public record SettlementEntry(long jobId, long providerId, long usedGwei) {
  /** Bytes per entry in the packed batch: uint64 jobId, uint32 providerId, uint64 usedGwei. */
  public static final int LENGTH = 20;

  public SettlementEntry {
    if (jobId < 0) {
      throw new IllegalArgumentException("job id must not be negative: " + jobId);
    }
    if (providerId <= 0 || providerId > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("provider id must be a 32-bit account id: " + providerId);
    }
    if (usedGwei < 0) {
      throw new IllegalArgumentException("used gwei must not be negative: " + usedGwei);
    }
  }
}
