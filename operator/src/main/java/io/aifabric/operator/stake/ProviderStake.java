package io.aifabric.operator.stake;

import java.math.BigInteger;
import java.time.Instant;

/**
 * A provider as NodeRegistry says it: stake, stake leaving (unbonding), governance flags, the last
 * slash, and the tier the contract computes from them (its {@code tierOf}).
 */
public record ProviderStake(
    String provider,
    BigInteger staked,
    BigInteger unbonding,
    int flags,
    Instant lastSlashedAt,
    Instant probationUntil,
    int tier) {
  /** NodeRegistry.FLAG_SUSPENDED. */
  public static final int SUSPENDED = 1;

  /** NodeRegistry.FLAG_VERIFIED_DATACENTER. */
  public static final int VERIFIED_DATACENTER = 2;

  public boolean suspended() {
    return (flags & SUSPENDED) != 0;
  }

  public boolean verifiedDataCenter() {
    return (flags & VERIFIED_DATACENTER) != 0;
  }

  /** On probation at {@code now}: slashed within the registry's probation period. */
  public boolean onProbation(Instant now) {
    return probationUntil != null && now.isBefore(probationUntil);
  }
}
