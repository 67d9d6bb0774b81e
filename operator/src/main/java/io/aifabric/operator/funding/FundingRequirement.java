package io.aifabric.operator.funding;

import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Duration;

/**
 * What a deposit must hold and how long it must stay put for a job to be dispatched: at least the
 * job's worst-case cost, and a deadline that leaves room for the whole run, the receipt wait and
 * the settlement window. The worst case is known before placement: the budget (the member Job stops
 * when the budget is spent at the placement's price, RunDeadline), or every GPU of every replica
 * for maxDuration at maxPricePerGpuHour when that is less.
 *
 * @param required the least deposit, in ether (the settlement token)
 * @param runway how long after dispatch the deposit must stay refund-proof
 */
public record FundingRequirement(BigDecimal required, Duration runway) {
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal WEI_PER_ETHER = BigDecimal.TEN.pow(18);

  public static FundingRequirement of(
      AIJobSpec spec, Duration longestRun, Duration receiptWait, Duration settlementWindow) {
    BigDecimal worst = new BigDecimal(spec.getPayment().getBudget());
    String maxPrice =
        spec.getPlacement() == null ? null : spec.getPlacement().getMaxPricePerGpuHour();
    if (maxPrice != null) {
      int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
      BigDecimal gpus =
          BigDecimal.valueOf((long) spec.getResources().getGpusPerReplica() * replicas);
      BigDecimal atMostPrice =
          new BigDecimal(maxPrice)
              .multiply(gpus)
              .multiply(BigDecimal.valueOf(longestRun.toSeconds()))
              .divide(SECONDS_PER_HOUR, 18, RoundingMode.CEILING);
      worst = worst.min(atMostPrice);
    }
    return new FundingRequirement(
        worst.stripTrailingZeros(), longestRun.plus(receiptWait).plus(settlementWindow));
  }

  /** The least deposit in wei. */
  public BigInteger requiredWei() {
    return required.multiply(WEI_PER_ETHER).setScale(0, RoundingMode.CEILING).toBigIntegerExact();
  }
}
