package io.aifabric.operator.stake;

import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.EpochShare;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Puts the node's availability rewards of the latest posted epochs into its ComputeNode: for each
 * epoch it scored in, its score, its share of the reward and whether it was paid. A claim on chain
 * says all three; without one, the score comes from the epoch's posted table ({@link EpochTables})
 * and the share is what a claim would pay.
 */
@ApplicationScoped
public class NodeRewardsStatus {
  private final RegistryView chain;
  private final EpochTables tables;

  public NodeRewardsStatus(RegistryView chain, EpochTables tables) {
    this.chain = chain;
    this.tables = tables;
  }

  public void apply(ComputeNodeStatus status) {
    String address = status.getIdentity() == null ? null : status.getIdentity().getAddress();
    if (!chain.rewardsConfigured() || address == null || !chain.synced()) {
      return;
    }
    List<EpochShare> shares = new ArrayList<>();
    for (RewardsLedger.Posted epoch : chain.latestEpochs()) {
      Optional<RewardsLedger.Claim> claim = chain.claimOf(address, epoch.epoch());
      Optional<Long> score =
          claim.map(RewardsLedger.Claim::score).or(() -> tables.scoreOf(address, epoch.epoch()));
      if (score.isEmpty()) {
        continue;
      }
      EpochShare share = new EpochShare();
      share.setEpoch(epoch.epoch());
      share.setScore(score.get());
      share.setTotalScore(epoch.totalScore());
      share.setPaid(claim.isPresent());
      share.setAmount(
          claim
              .map(RewardsLedger.Claim::amount)
              .orElse(
                  epoch
                      .reward()
                      .multiply(BigInteger.valueOf(score.get()))
                      .divide(BigInteger.valueOf(epoch.totalScore())))
              .toString());
      claim.ifPresent(
          c -> {
            share.setTransaction(c.transaction());
            share.setBlock(c.block());
          });
      shares.add(share);
    }
    status.setRewards(shares);
  }
}
