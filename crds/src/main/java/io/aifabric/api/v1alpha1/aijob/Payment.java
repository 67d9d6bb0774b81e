package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/** Who pays, whether from an escrow deposit, and how much at most. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Payment {
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "payer " + Formats.WALLET_MESSAGE)
  private String payer;

  /**
   * The job pays from a JobEscrow deposit the payer makes under the job's own key ({@code
   * status.funding.depositKey}, derived from the job's identity: nobody picks it, so no job can
   * name another's deposit). It is dispatched only once that deposit covers it ({@code Funded}).
   */
  private Boolean escrow;

  /** Whether the job pays from an escrow deposit. */
  public boolean paysFromEscrow() {
    return Boolean.TRUE.equals(escrow);
  }

  /** Most the job may cost, a decimal string in the settlement token. */
  @Required
  @Size(max = 32)
  @ValidationRule(
      value = Formats.POSITIVE_AMOUNT_RULE,
      message = "budget " + Formats.POSITIVE_AMOUNT_MESSAGE)
  private String budget;
}
