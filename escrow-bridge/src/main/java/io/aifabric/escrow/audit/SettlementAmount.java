package io.aifabric.escrow.audit;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What a job is paid, in gwei: the GPU-seconds its nodes signed for, at the price per GPU-hour
 * agreed at placement (a decimal amount of ether), rounded down, and never more than the user's
 * budget or the deposit. Relayer and oracles compute it the same way from the same signed receipts,
 * so an honest batch gets the same figure from every oracle.
 */
public final class SettlementAmount {
  private static final BigDecimal GWEI_PER_ETHER = BigDecimal.TEN.pow(9);
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);

  private SettlementAmount() {}

  /** Gwei for the GPU-seconds at the price per GPU-hour (ether), rounded down. */
  public static long gwei(String pricePerGpuHour, long gpuSeconds) {
    return new BigDecimal(pricePerGpuHour)
        .multiply(GWEI_PER_ETHER)
        .multiply(BigDecimal.valueOf(gpuSeconds))
        .divide(SECONDS_PER_HOUR, 0, RoundingMode.FLOOR)
        .longValueExact();
  }

  /** An amount of ether (decimal string) in gwei, rounded down. */
  public static long gwei(String ether) {
    return new BigDecimal(ether)
        .multiply(GWEI_PER_ETHER)
        .setScale(0, RoundingMode.FLOOR)
        .longValueExact();
  }
}
