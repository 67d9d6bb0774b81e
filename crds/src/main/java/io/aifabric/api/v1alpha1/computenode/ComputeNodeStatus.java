package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the network knows of the node. Conditions: Verified, Available, Schedulable. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComputeNodeStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private GpuInventory gpu;
  private NodeIdentity identity;
  private Verification verification;
  private Availability availability;

  /** Service tier, from the provider's stake and the node's record. */
  @Min(0)
  @Max(3)
  private Integer tier;

  /** Stake bonded for the node, in wei, as a decimal string. */
  private String stake;

  private List<SlashingEvent> slashingEvents = new ArrayList<>();
}
