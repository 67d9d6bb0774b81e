package io.aifabric.escrow.rewards;

import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.EpochRewardSpec;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.KeyFile;
import io.aifabric.escrow.oracle.OracleAnswer;
import io.aifabric.protocol.RewardTree;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.web3j.crypto.Credentials;
import org.web3j.utils.Numeric;

/**
 * The oracle role for epoch rewards: answers each EpochReward once its epoch is closed by this
 * oracle's clock, with the root and total of the table it counted itself ({@link
 * AvailabilityCount}) and its signature over them, when the epoch is for this chain and contract,
 * asks for the reward this oracle was configured with and expires soon enough; otherwise with its
 * signed refusal. It never takes a root from anyone: oracles that counted the same heartbeats sign
 * the same root, and the relayer posts the root that enough of them signed.
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class EpochRewardOracle {
  private final Optional<Credentials> key;
  private final String address;
  private final BridgeConfig config;
  private final EscrowChain chain;
  private final RewardsChain rewards;
  private final AvailabilityCount count;
  private final BridgeEvents events;
  private final MeterRegistry metrics;

  public EpochRewardOracle(
      BridgeConfig config,
      EscrowChain chain,
      RewardsChain rewards,
      AvailabilityCount count,
      BridgeEvents events,
      MeterRegistry metrics) {
    this.config = config;
    this.key = config.oracle().keyFile().map(KeyFile::read);
    this.address = key.map(k -> k.getAddress().toLowerCase(Locale.ROOT)).orElse(null);
    this.chain = chain;
    this.rewards = rewards;
    this.count = count;
    this.events = events;
    this.metrics = metrics;
    OracleAnswer.registerResults(metrics, "aifabric_bridge_epoch_attestations_total");
  }

  public boolean enabled() {
    return key.isPresent() && rewards.enabled();
  }

  /** Whether this oracle must wait before it can answer: the epoch is not closed by its clock. */
  public boolean waits(EpochReward reward) {
    return enabled() && !count.closed(reward.getSpec().getEpoch());
  }

  /**
   * Answers the epoch if this oracle has not yet and the epoch is closed.
   *
   * @return the resource as written, or as given when there was nothing to do
   */
  public EpochReward attend(KubernetesClient client, EpochReward reward) throws Exception {
    if (!enabled() || waits(reward)) {
      return reward;
    }
    var status = reward.getStatus();
    if (status != null
        && (status.getPhase() == BatchPhase.Settled || status.getPhase() == BatchPhase.Abandoned)) {
      return reward;
    }
    EpochRewardSpec spec = reward.getSpec();
    return OracleAnswer.file(
        client,
        reward,
        address,
        key.get().getEcKeyPair(),
        answer -> EpochRewardSpecs.digestOf(spec, answer, rewards.domain()),
        rewards.domain(),
        () -> findings(spec),
        events,
        result ->
            metrics
                .counter("aifabric_bridge_epoch_attestations_total", "result", result)
                .increment());
  }

  private OracleAnswer.Findings findings(EpochRewardSpec spec) throws Exception {
    List<String> refusals =
        new ArrayList<>(
            OracleAnswer.whereAndWhen(
                "epoch",
                spec.getChainId(),
                chain.chainId(),
                "rewards contract",
                spec.getContract(),
                rewards.address(),
                spec.getDeadline(),
                chain.blockTime(),
                config.oracle().maxSignatureLifetime()));
    if (!config.rewards().rewardWei().toString().equals(spec.getReward())) {
      refusals.add(
          "the epoch's reward is "
              + spec.getReward()
              + " wei; this oracle signs for "
              + config.rewards().rewardWei()
              + " wei an epoch");
    }
    long epoch = spec.getEpoch();
    Optional<RewardTree> table = count.keeps(epoch) ? count.table(epoch) : Optional.empty();
    if (table.isEmpty()) {
      refusals.add(
          count.keeps(epoch)
              ? "this oracle counted no heartbeat of a registered node in epoch " + epoch
              : "this oracle no longer keeps the counts of epoch " + epoch);
      return new OracleAnswer.Findings(refusals, List.of());
    }
    RewardTree tree = table.get();
    return new OracleAnswer.Findings(
        refusals,
        List.of(),
        answer -> {
          answer.setRoot(Numeric.toHexString(tree.root()));
          answer.setTotalScore(tree.totalScore());
        });
  }
}
