package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the network knows of the node. Conditions: Verified, Available, Schedulable, OnChain. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComputeNodeStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private GpuInventory gpu;
  private NodeIdentity identity;
  private Verification verification;
  private Availability availability;

  /**
   * Service tier, 0 to 3, as NodeRegistry computes it from the provider's stake and flags (at most
   * 1 on probation after a slash, 0 when suspended); 0 when the node is not registered on chain.
   */
  @Min(0)
  @Max(3)
  private Integer tier;

  /** Its provider's stake in NodeRegistry, in wei, as a decimal string. */
  private String stake;

  /** The provider the node is registered to in NodeRegistry. */
  private String provider;

  private List<SlashingEvent> slashingEvents = new ArrayList<>();

  /** Slashes of its provider NodeRegistry recorded for this node, oldest first. */
  private List<ChainSlash> slashes = new ArrayList<>();

  /**
   * Its availability rewards in the latest epochs posted on chain (newest first): score, share and
   * whether it was paid. Absent without an AvailabilityRewards contract.
   */
  private List<EpochShare> rewards;
}
