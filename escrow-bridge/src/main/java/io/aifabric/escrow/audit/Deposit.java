package io.aifabric.escrow.audit;

import java.math.BigInteger;

/** A job's deposit as JobEscrow holds it (depositOf), with the escrow's id for the job. */
public record Deposit(
    long escrowJobId,
    String payer,
    String provider,
    long providerId,
    BigInteger maxAmountWei,
    long deadline,
    boolean closed) {
  private static final BigInteger GWEI = BigInteger.valueOf(1_000_000_000L);

  /** The most the job may be paid, in gwei (deposits are whole multiples of 10,000 gwei). */
  public long maxGwei() {
    return maxAmountWei.divide(GWEI).longValueExact();
  }
}
