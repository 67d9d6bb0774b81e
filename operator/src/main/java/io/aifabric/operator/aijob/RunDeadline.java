package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * How long a member Job may run (its {@code activeDeadlineSeconds}): the AIJob's maxDuration, or
 * less when its budget at the placement's price pays for less — every GPU of every replica is paid
 * for the whole run — so that no job runs past what will be paid. Escrow settlement caps payment at
 * the budget anyway; without this the provider's GPUs would work on for nothing.
 */
final class RunDeadline {
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private RunDeadline() {}

  /**
   * @param pricePerGpuHour the placement's price, a decimal amount
   * @return seconds, at least 1
   */
  static long seconds(AIJobSpec spec, String pricePerGpuHour) {
    long longest = MaxDuration.parse(spec.getMaxDuration()).toSeconds();
    BigDecimal price = new BigDecimal(pricePerGpuHour);
    if (spec.getPayment() == null || spec.getPayment().getBudget() == null || price.signum() <= 0) {
      return longest;
    }
    int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
    BigDecimal gpus = BigDecimal.valueOf((long) spec.getResources().getGpusPerReplica() * replicas);
    BigDecimal paidFor =
        new BigDecimal(spec.getPayment().getBudget())
            .multiply(SECONDS_PER_HOUR)
            .divide(price.multiply(gpus), 0, RoundingMode.FLOOR);
    if (paidFor.compareTo(BigDecimal.valueOf(longest)) >= 0) {
      return longest;
    }
    return Math.max(1, paidFor.longValueExact());
  }
}
