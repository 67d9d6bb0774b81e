package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * What the oracles sign (EIP-712 {@code Settlement(uint64 nonce, uint64 deadline, bytes entries)}
 * under the escrow's domain) and the relayer submits.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SettlementBatchSpec {
  /** The chain the escrow lives on; part of the signed domain. */
  @Required
  @Min(1)
  private Long chainId;

  /** The JobEscrow contract's address; part of the signed domain. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "escrow " + Formats.WALLET_MESSAGE)
  private String escrow;

  /** The escrow's settlement nonce this batch takes: batches settle one after another. */
  @Required
  @Min(0)
  private Long nonce;

  /** Unix seconds after which the oracles' signatures no longer count. */
  @Required
  @Min(1)
  private Long deadline;

  /** The jobs, in strictly ascending escrow job id (the contract refuses any other order). */
  @Required
  @Size(min = 1, max = 1000)
  private List<BatchEntry> entries = new ArrayList<>();

  /** One job in the batch: which AIJob, its escrow deposit, and what it used. */
  @Data
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class BatchEntry {
    @Required
    @Size(max = 63)
    private String jobNamespace;

    @Required
    @Size(max = 253)
    private String jobName;

    @Required
    @Size(max = 36)
    private String jobUid;

    /** The deposit's job id in the escrow. */
    @Required
    @Min(0)
    private Long escrowJobId;

    /** The provider's account id in the escrow, as the deposit recorded it. */
    @Required
    @Min(1)
    @Max(4294967295.0)
    private Long providerId;

    /** What the job used, in gwei: paid to the provider, the rest of the deposit to the payer. */
    @Required
    @Min(0)
    private Long usedGwei;
  }
}
