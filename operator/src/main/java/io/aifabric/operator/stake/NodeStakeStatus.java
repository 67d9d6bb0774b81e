package io.aifabric.operator.stake;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Optional;

/**
 * Puts what NodeRegistry says of a node into its ComputeNode: {@code tier} (what placement's {@code
 * minTier} and the member Node label {@code aifabric.io/tier} follow), {@code stake} and {@code
 * provider}, and the {@code OnChain} condition saying why. Without a registry every node is tier 0:
 * a tier nobody proved is not given.
 */
@ApplicationScoped
public class NodeStakeStatus {
  public static final String ON_CHAIN = "OnChain";
  public static final String SCHEDULABLE = "Schedulable";

  /** The Schedulable reason of a node whose provider governance suspended. */
  public static final String PROVIDER_SUSPENDED = "ProviderSuspended";

  private final RegistryView registry;
  private final Conditions conditions;
  private final Clock clock;

  public NodeStakeStatus(RegistryView registry, Conditions conditions, Clock clock) {
    this.registry = registry;
    this.conditions = conditions;
    this.clock = clock;
  }

  public void apply(ComputeNode cn, ComputeNodeStatus status) {
    Long generation = cn.getMetadata().getGeneration();
    if (!registry.configured()) {
      status.setTier(0);
      status.setStake(null);
      status.setProvider(null);
      conditions.set(
          status.getConditions(),
          ON_CHAIN,
          Conditions.UNKNOWN,
          "RegistryNotConfigured",
          "no NodeRegistry is configured (aifabric.chain.registry): the node's tier is 0",
          generation);
      return;
    }
    String address = status.getIdentity() == null ? null : status.getIdentity().getAddress();
    if (address == null) {
      status.setTier(0);
      status.setStake(null);
      status.setProvider(null);
      conditions.set(
          status.getConditions(),
          ON_CHAIN,
          Conditions.FALSE,
          "NoNodeKey",
          "the node has no registered key yet, so it cannot be registered on chain: tier 0",
          generation);
      return;
    }
    if (!registry.synced()) {
      conditions.set(
          status.getConditions(),
          ON_CHAIN,
          Conditions.UNKNOWN,
          "Syncing",
          "reading NodeRegistry " + registry.registry() + "'s events",
          generation);
      return;
    }
    // Kept after a node is deregistered: what it was slashed for stays on record.
    status.setSlashes(new ArrayList<>(registry.slashesOf(address)));
    Optional<ProviderStake> stake = registry.stakeOf(address);
    if (stake.isEmpty()) {
      status.setTier(0);
      status.setStake(null);
      status.setProvider(null);
      conditions.set(
          status.getConditions(),
          ON_CHAIN,
          Conditions.FALSE,
          "NotRegistered",
          "node "
              + address
              + " is not registered in NodeRegistry "
              + registry.registry()
              + " (its provider stakes and registers it: aifabric register-node): tier 0",
          generation);
      return;
    }
    ProviderStake p = stake.get();
    status.setTier(p.tier());
    status.setStake(p.staked().toString());
    status.setProvider(p.provider());
    StringBuilder message =
        new StringBuilder("registered to provider ")
            .append(p.provider())
            .append(": ")
            .append(p.staked())
            .append(" wei staked, tier ")
            .append(p.tier());
    if (p.verifiedDataCenter()) {
      message.append(", verified data center");
    }
    if (p.onProbation(clock.instant())) {
      message.append(", on probation after a slash until ").append(p.probationUntil());
    }
    if (p.suspended()) {
      message.append(", suspended by governance");
    }
    if (p.suspended()) {
      // No new work for a suspended provider's nodes, whatever the member says of them.
      conditions.set(
          status.getConditions(),
          SCHEDULABLE,
          Conditions.FALSE,
          PROVIDER_SUSPENDED,
          "governance suspended provider " + p.provider() + " in NodeRegistry: no new work",
          generation);
    }
    conditions.set(
        status.getConditions(),
        ON_CHAIN,
        p.suspended() ? Conditions.FALSE : Conditions.TRUE,
        p.suspended() ? "Suspended" : "Registered",
        message.toString(),
        generation);
  }
}
