package io.aifabric.escrow.bridge;

import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.escrow.oracle.OracleDuty;
import io.aifabric.escrow.relayer.RelayerDuty;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Drives every SettlementBatch through this bridge's roles: the oracle answers it once, the relayer
 * takes it a step further. Status-only changes must wake it (an oracle's signature is one), hence
 * no generation filtering. A chain or network failure is not a reason to give up on a batch: the
 * batch is looked at again a little later, however long the outage lasts.
 */
@ControllerConfiguration(
    name = SettlementBatchReconciler.NAME,
    generationAwareEventProcessing = false)
public class SettlementBatchReconciler implements Reconciler<SettlementBatch> {
  public static final String NAME = "settlementbatch";
  private static final Logger LOG = Logger.getLogger(SettlementBatchReconciler.class);
  private static final Duration AFTER_OUTAGE = Duration.ofSeconds(5);
  private static final Duration CONFLICT_RETRY = Duration.ofMillis(200);

  private final OracleDuty oracle;
  private final RelayerDuty relayer;

  public SettlementBatchReconciler(OracleDuty oracle, RelayerDuty relayer) {
    this.oracle = oracle;
    this.relayer = relayer;
  }

  @Override
  public UpdateControl<SettlementBatch> reconcile(
      SettlementBatch batch, Context<SettlementBatch> ctx) throws Exception {
    Duration next;
    try {
      batch = oracle.attend(ctx.getClient(), batch);
      next = relayer.enabled() ? relayer.advance(ctx.getClient(), batch) : null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      // An oracle wrote its answer since this copy was read: nothing was sent; look again.
      LOG.debugf("batch %s changed meanwhile; looking again", batch.getMetadata().getName());
      next = CONFLICT_RETRY;
    } catch (IOException e) {
      LOG.warnf(
          "batch %s: the chain did not answer (%s); trying again",
          batch.getMetadata().getName(), e.getMessage());
      next = AFTER_OUTAGE;
    }
    UpdateControl<SettlementBatch> control = UpdateControl.noUpdate();
    return next == null ? control : control.rescheduleAfter(next);
  }
}
