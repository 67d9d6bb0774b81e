package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * What the oracles sign (EIP-712 {@code Slash(address provider, address node, uint256 amount,
 * bytes32 evidence, uint64 deadline)} under the registry's domain) and the relayer submits, with
 * what each oracle needs to judge the finding again on its own.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlashSpec {
  /** The chain the registry lives on; part of the signed domain. */
  @Required
  @Min(1)
  private Long chainId;

  /** The NodeRegistry contract's address; part of the signed domain. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "registry " + Formats.WALLET_MESSAGE)
  private String registry;

  /** The ComputeNode the finding is about. */
  @Required
  @Size(max = 253)
  private String computeNode;

  /** The node's address (its key): the hardware report is signed by it. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "node " + Formats.WALLET_MESSAGE)
  private String node;

  /** The provider the node is registered to on chain, whose stake is slashed. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = "provider " + Formats.WALLET_MESSAGE)
  private String provider;

  /** The finding: VramMismatch, ModelMismatch, GpuCountMismatch or DuplicateGpuUuid. */
  @Required
  @Size(max = 63)
  private String reason;

  /** The digest of the node's signed hardware report the finding rests on (0x, 32 bytes). */
  @Required
  @Size(max = 66)
  @ValidationRule(
      value = Formats.BYTES32_RULE,
      message = "report must be 0x and 64 lowercase hex digits")
  private String report;

  /**
   * keccak256 of the finding (reason and report digest), 0x, 32 bytes: the registry slashes each
   * evidence once.
   */
  @Required
  @Size(max = 66)
  @ValidationRule(
      value = Formats.BYTES32_RULE,
      message = "evidence must be 0x and 64 lowercase hex digits")
  private String evidence;

  /** How much to take from the provider's stake, in wei (decimal). */
  @Required
  @Size(max = 78)
  @ValidationRule(
      value = "self.matches('^[1-9][0-9]*$')",
      message = "amount must be a positive whole number of wei")
  private String amount;

  /** Unix seconds after which the oracles' signatures no longer count. */
  @Required
  @Min(1)
  private Long deadline;
}
