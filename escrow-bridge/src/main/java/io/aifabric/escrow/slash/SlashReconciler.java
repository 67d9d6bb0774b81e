package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.settlement.Slash;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Drives every Slash through this bridge's roles, as {@code SettlementBatchReconciler} does a
 * batch: the oracle answers it once, the relayer takes it a step further; an oracle's answer (a
 * status change) wakes it; a chain or network failure only delays it.
 */
@ControllerConfiguration(name = SlashReconciler.NAME, generationAwareEventProcessing = false)
public class SlashReconciler implements Reconciler<Slash> {
  public static final String NAME = "slash";
  private static final Logger LOG = Logger.getLogger(SlashReconciler.class);
  private static final Duration AFTER_OUTAGE = Duration.ofSeconds(5);
  private static final Duration CONFLICT_RETRY = Duration.ofMillis(200);

  private final SlashOracle oracle;
  private final SlashRelay relay;

  public SlashReconciler(SlashOracle oracle, SlashRelay relay) {
    this.oracle = oracle;
    this.relay = relay;
  }

  @Override
  public UpdateControl<Slash> reconcile(Slash slash, Context<Slash> ctx) throws Exception {
    Duration next;
    try {
      slash = oracle.attend(ctx.getClient(), slash);
      next = relay.enabled() ? relay.advance(ctx.getClient(), slash) : null;
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      LOG.debugf("slash %s changed meanwhile; looking again", slash.getMetadata().getName());
      next = CONFLICT_RETRY;
    } catch (IOException e) {
      LOG.warnf(
          "slash %s: the chain did not answer (%s); trying again",
          slash.getMetadata().getName(), e.getMessage());
      next = AFTER_OUTAGE;
    }
    UpdateControl<Slash> control = UpdateControl.noUpdate();
    return next == null ? control : control.rescheduleAfter(next);
  }
}
