package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/**
 * What funds a job that pays from escrow. The operator writes it before anything else, so the payer
 * can read the key to deposit under: {@code kubectl get aijob NAME -o
 * jsonpath='{.status.funding.depositKey}'}.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Funding {
  /**
   * The JobEscrow key of the job's deposit (0x, 64 hex digits): the EIP-712 struct hash of {@code
   * AIJobDeposit(network, namespace, name, uid)}. Deposit under it, from the job's payer.
   */
  private String depositKey;

  /**
   * The least the deposit must hold, a decimal amount in the settlement token: the job's worst-case
   * cost (its budget, or every GPU for maxDuration at maxPricePerGpuHour when that is less).
   */
  private String required;

  /** The escrow's id of the deposit that funds the job, once found. */
  private Long escrowJobId;

  /** The deposit's provider: the job is placed only on that provider's members. */
  private String provider;

  /** The deposit's deadline (RFC 3339), after which the payer may take it back. */
  private String deadline;
}
