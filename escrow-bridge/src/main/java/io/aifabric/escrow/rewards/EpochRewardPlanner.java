package io.aifabric.escrow.rewards;

import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.EpochRewardSpec;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.EscrowChain;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Asks the oracles for the latest closed epoch's rewards, every {@code batchInterval}: one
 * EpochReward per epoch, named after it (two relayers, or one after a restart, create it once), for
 * the configured reward. Only an epoch this relayer counted heartbeats in itself, and that has no
 * root on chain yet: an epoch nobody could have counted is not put to the oracles just to be
 * refused. Which root is posted is not the planner's to say: each oracle signs its own.
 */
@ApplicationScoped
public class EpochRewardPlanner {
  private static final Logger LOG = Logger.getLogger(EpochRewardPlanner.class);

  private final KubernetesClient client;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final RewardsChain rewards;
  private final AvailabilityCount count;
  private final EpochRewardRelay relay;

  public EpochRewardPlanner(
      KubernetesClient client,
      BridgeConfig config,
      EscrowChain chain,
      RewardsChain rewards,
      AvailabilityCount count,
      EpochRewardRelay relay) {
    this.client = client;
    this.config = config;
    this.chain = chain;
    this.rewards = rewards;
    this.count = count;
    this.relay = relay;
  }

  @Scheduled(
      every = "${aifabric.bridge.relayer.batch-interval:30s}",
      delayed = "3s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void plan() {
    if (!relay.enabled()) {
      return;
    }
    try {
      planOnce();
    } catch (Exception e) {
      LOG.warnf("planning epoch rewards: %s", e.getMessage());
    }
  }

  /**
   * @return the EpochReward created, if one was
   */
  Optional<EpochReward> planOnce() throws Exception {
    long epoch = count.lastClosedEpoch();
    String name = EpochReward.nameFor(epoch);
    if (client.resources(EpochReward.class).inNamespace(config.namespace()).withName(name).get()
            != null
        || count.table(epoch).isEmpty()
        || rewards.isPosted(epoch)) {
      return Optional.empty();
    }
    EpochRewardSpec spec = new EpochRewardSpec();
    spec.setChainId(chain.chainId());
    spec.setContract(rewards.address());
    spec.setEpoch(epoch);
    spec.setReward(config.rewards().rewardWei().toString());
    spec.setDeadline(chain.blockTime() + config.relayer().signatureLifetime().toSeconds());
    EpochReward reward = new EpochReward();
    reward.getMetadata().setNamespace(config.namespace());
    reward.getMetadata().setName(name);
    reward.setSpec(spec);
    try {
      EpochReward made = client.resource(reward).create();
      LOG.infof("epoch reward %s: %s wei for epoch %d", name, spec.getReward(), epoch);
      return Optional.of(made);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Optional.empty(); // another planner made it
      }
      throw e;
    }
  }
}
