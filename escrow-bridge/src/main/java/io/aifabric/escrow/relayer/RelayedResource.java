package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.ChainSubmissionStatus;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.SubmissionStatusPatch;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * What every {@link OnChainAction} on one resource of its own (a Slash, an EpochReward) does the
 * same way: write its working status only when it changed, give it up with its final condition, an
 * Event and a log line, record Events on it, and count its steps in its own metric. Subclasses say
 * what the contract call is and how the chain shows it done.
 */
public abstract class RelayedResource<
        R extends CustomResource<?, S>, S extends ChainSubmissionStatus, D>
    implements OnChainAction<D> {
  private static final Logger LOG = Logger.getLogger(RelayedResource.class);

  private final KubernetesClient client;
  private final R resource;
  private final S status;
  private final ChainSubmission submission;
  private final BridgeEvents events;
  private final MeterRegistry metrics;
  private final String doneCondition;
  private final String stepsMetric;

  /**
   * @param doneCondition the condition that says where it ended (Slashed, Posted)
   * @param stepsMetric the counter its steps are counted in, by {@code step}
   */
  protected RelayedResource(
      KubernetesClient client,
      R resource,
      S status,
      ChainSubmission submission,
      BridgeEvents events,
      MeterRegistry metrics,
      String doneCondition,
      String stepsMetric) {
    this.client = client;
    this.resource = resource;
    this.status = status;
    this.submission = submission;
    this.events = events;
    this.metrics = metrics;
    this.doneCondition = doneCondition;
    this.stepsMetric = stepsMetric;
  }

  @Override
  public R resource() {
    return resource;
  }

  @Override
  public S status() {
    return status;
  }

  @Override
  public void write() {
    SubmissionStatusPatch.relayIfChanged(client, resource, status);
  }

  @Override
  public Duration abandon(String reason, String message) {
    status.setPhase(BatchPhase.Abandoned);
    submission.set(status, doneCondition, Conditions.FALSE, reason, message);
    write();
    event(BridgeEvents.WARNING, reason, message);
    LOG.warnf(
        "%s %s abandoned (%s): %s",
        resource.getKind(), resource.getMetadata().getName(), reason, message);
    count("Abandoned" + reason);
    return null;
  }

  @Override
  public void event(String type, String reason, String message) {
    events.record(resource, type, reason, message);
  }

  @Override
  public void count(String step) {
    metrics.counter(stepsMetric, "step", ChainSubmission.stepLabel(step)).increment();
  }
}
