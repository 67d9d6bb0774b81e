package io.aifabric.escrow.rewards;

import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.escrow.bridge.RoleSteps;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;

/**
 * Drives every EpochReward through this bridge's roles: the oracle answers it once the epoch is
 * closed by its clock (until then it looks again shortly), the relayer takes it a step further; an
 * oracle's answer (a status change) wakes it.
 */
@ControllerConfiguration(name = EpochRewardReconciler.NAME, generationAwareEventProcessing = false)
public class EpochRewardReconciler implements Reconciler<EpochReward> {
  public static final String NAME = "epochreward";
  private static final Duration UNTIL_CLOSED = Duration.ofSeconds(2);

  private final EpochRewardOracle oracle;
  private final EpochRewardRelay relay;

  public EpochRewardReconciler(EpochRewardOracle oracle, EpochRewardRelay relay) {
    this.oracle = oracle;
    this.relay = relay;
  }

  @Override
  public UpdateControl<EpochReward> reconcile(EpochReward reward, Context<EpochReward> ctx)
      throws Exception {
    return RoleSteps.run(
        reward,
        () -> {
          EpochReward answered = oracle.attend(ctx.getClient(), reward);
          Duration next = relay.enabled() ? relay.advance(ctx.getClient(), answered) : null;
          return oracle.waits(answered) && (next == null || next.compareTo(UNTIL_CLOSED) > 0)
              ? UNTIL_CLOSED
              : next;
        });
  }
}
