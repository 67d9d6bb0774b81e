package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/**
 * The node's availability reward for one epoch posted to AvailabilityRewards: its score in the
 * posted table (from its claim on chain, or from an oracle's table whose root is the posted one),
 * its share of the epoch's reward, and whether that share was claimed (paid to its provider).
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EpochShare {
  private Long epoch;

  /** Its level in the posted table, 1 to 16 (16: heard in every slot of the epoch). */
  private Long score;

  /** The sum of all nodes' scores in the epoch: its share is score / totalScore. */
  private Long totalScore;

  /** Its share of the epoch's reward, in wei (decimal): paid, or claimable. */
  private String amount;

  /** Whether the share was claimed and paid to its provider. */
  private Boolean paid;

  /** The claim's transaction and block, once paid. */
  private String transaction;

  private Long block;
}
