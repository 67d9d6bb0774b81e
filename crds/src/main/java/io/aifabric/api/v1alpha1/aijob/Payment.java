package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/** Who pays, from which escrow deposit, and how much at most. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Payment {
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "payer " + Formats.WALLET_MESSAGE)
  private String payer;

  /** Id of the JobEscrow deposit that funds the job (0x and 64 hex digits). */
  @Size(max = 66)
  @ValidationRule(
      value = "self.matches('^0x[0-9a-fA-F]{64}$')",
      message = "escrowDeposit must be a deposit id: 0x followed by 64 hex digits")
  private String escrowDeposit;

  /** Most the job may cost, a decimal string in the settlement token. */
  @Required
  @Size(max = 32)
  @ValidationRule(
      value = Formats.POSITIVE_AMOUNT_RULE,
      message = "budget " + Formats.POSITIVE_AMOUNT_MESSAGE)
  private String budget;
}
