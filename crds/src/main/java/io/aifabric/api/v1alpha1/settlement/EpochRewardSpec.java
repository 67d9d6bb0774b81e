package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * What the relayer asks the oracles to sign for an epoch (EIP-712 {@code EpochRewards(uint64 epoch,
 * bytes32 root, uint64 totalScore, uint128 reward, uint64 deadline)} under the rewards contract's
 * domain). The root and total are not here: each oracle puts in the ones of the table it counted
 * itself, and the relayer posts the root that enough of them signed.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochRewardSpec {
  /** The chain the contract lives on; part of the signed domain. */
  @Required
  @Min(1)
  private Long chainId;

  /** The AvailabilityRewards contract's address; part of the signed domain. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "contract " + Formats.WALLET_MESSAGE)
  private String contract;

  /** The epoch: its start is epoch × the epoch length, in Unix time. */
  @Required
  @Min(0)
  private Long epoch;

  /** What the epoch shares out among its nodes, in wei (decimal). */
  @Required
  @Size(max = 39)
  @ValidationRule(
      value = "self.matches('^[1-9][0-9]*$')",
      message = "reward must be a positive whole number of wei")
  private String reward;

  /** Unix seconds after which the oracles' signatures no longer count. */
  @Required
  @Min(1)
  private Long deadline;
}
