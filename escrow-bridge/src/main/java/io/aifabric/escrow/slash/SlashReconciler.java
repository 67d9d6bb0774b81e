package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.escrow.bridge.RoleSteps;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Drives every Slash through this bridge's roles, as {@code SettlementBatchReconciler} does a
 * batch: the oracle answers it once, the relayer takes it a step further; an oracle's answer (a
 * status change) wakes it.
 */
@ControllerConfiguration(name = SlashReconciler.NAME, generationAwareEventProcessing = false)
public class SlashReconciler implements Reconciler<Slash> {
  public static final String NAME = "slash";

  private final SlashOracle oracle;
  private final SlashRelay relay;

  public SlashReconciler(SlashOracle oracle, SlashRelay relay) {
    this.oracle = oracle;
    this.relay = relay;
  }

  @Override
  public UpdateControl<Slash> reconcile(Slash slash, Context<Slash> ctx) throws Exception {
    return RoleSteps.run(
        slash,
        () -> {
          Slash answered = oracle.attend(ctx.getClient(), slash);
          return relay.enabled() ? relay.advance(ctx.getClient(), answered) : null;
        });
  }
}
