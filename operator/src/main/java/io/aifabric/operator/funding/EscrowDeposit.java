package io.aifabric.operator.funding;

import java.math.BigInteger;
import java.time.Instant;

/** A deposit as JobEscrow holds it (depositOf), with the escrow's id for it. */
public record EscrowDeposit(
    long escrowJobId,
    String payer,
    String provider,
    BigInteger maxAmountWei,
    Instant deadline,
    boolean closed) {}
