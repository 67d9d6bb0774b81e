package io.aifabric.console.chain;

import io.quarkus.qute.TemplateData;
import java.math.BigInteger;
import java.time.Instant;

/**
 * One job's deposit as the escrow on the chain holds it ({@code depositOf}), read by the console
 * itself: who paid it, whom it may pay, the most it pays (ETH), until when, and whether it is
 * closed. {@code error} says why it could not be read (no such deposit, the chain did not answer).
 */
@TemplateData
public record EscrowDeposit(
    long escrowJobId,
    String payer,
    String provider,
    String maxAmount,
    Instant deadline,
    boolean closed,
    long block,
    Instant readAt,
    String error) {

  static EscrowDeposit read(
      long escrowJobId,
      String payer,
      String provider,
      BigInteger maxAmountWei,
      long deadline,
      boolean closed,
      long block,
      Instant at) {
    return new EscrowDeposit(
        escrowJobId,
        payer,
        provider,
        ChainFigures.eth(maxAmountWei),
        Instant.ofEpochSecond(deadline),
        closed,
        block,
        at,
        null);
  }

  static EscrowDeposit unreadable(long escrowJobId, String why, Instant at) {
    return new EscrowDeposit(escrowJobId, null, null, null, null, false, 0, at, why);
  }
}
