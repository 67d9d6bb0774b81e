package io.aifabric.escrow.bridge;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * How a bridge reconciler runs its roles' steps on one resource (a SettlementBatch, a Slash, an
 * EpochReward): the oracle answers, the relayer takes it a step further. Neither a conflict (an
 * oracle wrote its answer since this copy was read: nothing was sent) nor a chain or network outage
 * is a reason to give up on it: it is looked at again, soon or a little later, however long the
 * outage lasts.
 */
public final class RoleSteps {
  private static final Logger LOG = Logger.getLogger(RoleSteps.class);
  private static final Duration AFTER_OUTAGE = Duration.ofSeconds(5);
  private static final Duration CONFLICT_RETRY = Duration.ofMillis(200);

  /** The roles' steps on the resource. */
  @FunctionalInterface
  public interface Steps {
    /**
     * @return when to look again (null: only when it changes, or never)
     */
    Duration run() throws Exception;
  }

  private RoleSteps() {}

  public static <R extends HasMetadata> UpdateControl<R> run(R resource, Steps steps)
      throws Exception {
    String what = resource.getKind() + " " + resource.getMetadata().getName();
    Duration next;
    try {
      next = steps.run();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      LOG.debugf("%s changed meanwhile; looking again", what);
      next = CONFLICT_RETRY;
    } catch (IOException e) {
      LOG.warnf("%s: the chain did not answer (%s); trying again", what, e.getMessage());
      next = AFTER_OUTAGE;
    }
    UpdateControl<R> control = UpdateControl.noUpdate();
    return next == null ? control : control.rescheduleAfter(next);
  }
}
