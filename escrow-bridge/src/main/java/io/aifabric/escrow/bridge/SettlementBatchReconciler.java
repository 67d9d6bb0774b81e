package io.aifabric.escrow.bridge;

import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.escrow.oracle.OracleDuty;
import io.aifabric.escrow.relayer.RelayerDuty;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/**
 * Drives every SettlementBatch through this bridge's roles: the oracle answers it once, the relayer
 * takes it a step further ({@link RoleSteps}). Status-only changes must wake it (an oracle's
 * signature is one), hence no generation filtering.
 */
@ControllerConfiguration(
    name = SettlementBatchReconciler.NAME,
    generationAwareEventProcessing = false)
public class SettlementBatchReconciler implements Reconciler<SettlementBatch> {
  public static final String NAME = "settlementbatch";

  private final OracleDuty oracle;
  private final RelayerDuty relayer;

  public SettlementBatchReconciler(OracleDuty oracle, RelayerDuty relayer) {
    this.oracle = oracle;
    this.relayer = relayer;
  }

  @Override
  public UpdateControl<SettlementBatch> reconcile(
      SettlementBatch batch, Context<SettlementBatch> ctx) throws Exception {
    return RoleSteps.run(
        batch,
        () -> {
          SettlementBatch answered = oracle.attend(ctx.getClient(), batch);
          return relayer.enabled() ? relayer.advance(ctx.getClient(), answered) : null;
        });
  }
}
