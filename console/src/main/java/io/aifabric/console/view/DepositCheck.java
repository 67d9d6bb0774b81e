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
        recorded.required() == null
            || new BigDecimal(onChain.maxAmount()).compareTo(new BigDecimal(recorded.required()))
                < 0);
  }

  private static boolean sameAddress(String a, String b) {
    return a != null && b != null && a.equalsIgnoreCase(b);
  }
}
