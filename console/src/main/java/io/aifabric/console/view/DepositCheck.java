package io.aifabric.console.view;

import io.aifabric.console.chain.EscrowDeposit;
import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;

/**
 * A job's deposit as the chain holds it, held against what the job says: the payer its spec names,
 * the provider and least amount its status recorded. The page shows the chain's word and marks
 * where the two disagree, so a reader need not trust the operator's record.
 */
@TemplateData
public record DepositCheck(
    EscrowDeposit onChain,
    boolean payerDiffers,
    boolean providerDiffers,
    boolean lessThanRequired) {

  /** A deposit the chain did not answer for disagrees with nothing: it was not read. */
  public static DepositCheck of(JobView job, EscrowDeposit onChain) {
    if (onChain.error() != null) {
      return new DepositCheck(onChain, false, false, false);
    }
    JobView.Funding recorded = job.funding();
    return new DepositCheck(
        onChain,
        !sameAddress(job.payer(), onChain.payer()),
        !sameAddress(recorded.provider(), onChain.provider()),
        lessThan(onChain.maxAmount(), recorded.required()));
  }

  /**
   * Whether the deposit falls short of what the record requires; a requirement that is not a number
   * (the status is writable by more than the operator) cannot be shown to be covered.
   */
  private static boolean lessThan(String amount, String required) {
    try {
      return required == null || new BigDecimal(amount).compareTo(new BigDecimal(required)) < 0;
    } catch (NumberFormatException notANumber) {
      return true;
    }
  }

  private static boolean sameAddress(String a, String b) {
    return a != null && b != null && a.equalsIgnoreCase(b);
  }
}
