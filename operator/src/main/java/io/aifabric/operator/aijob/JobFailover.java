package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.DISPATCHED;
import static io.aifabric.operator.aijob.JobConditionTypes.PLACED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * A placed job whose member has not answered for the grace period is placed again: its GPUs are
 * released, its placement cleared, and {@code Placed}/{@code Dispatched} say why. A push member's
 * stale copy is removed when it comes back (StaleWorkCollector); a pull member's work is withdrawn
 * on the host at once, and its agent removes the copy before the member counts as back.
 */
@ApplicationScoped
public class JobFailover {
  private static final Logger LOG = Logger.getLogger(JobFailover.class);

  private final FleetState fleet;
  private final PlacementEngine engine;
  private final PullDispatch pullDispatch;
  private final Conditions conditions;
  private final EventRecorder events;
  private final AIJobMetrics metrics;
  private final OperatorConfig config;
  private final Clock clock;

  public JobFailover(
      FleetState fleet,
      PlacementEngine engine,
      PullDispatch pullDispatch,
      Conditions conditions,
      EventRecorder events,
      AIJobMetrics metrics,
      OperatorConfig config,
      Clock clock) {
    this.fleet = fleet;
    this.engine = engine;
    this.pullDispatch = pullDispatch;
    this.conditions = conditions;
    this.events = events;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  void replaceIfClusterLost(KubernetesClient host, AIJob job, AIJobStatus status) {
    if (status.getPlacement() == null) {
      return;
    }
    String cluster = status.getPlacement().getCluster();
    Instant now = clock.instant();
    Optional<Duration> down = fleet.unreachableFor(cluster, now);
    boolean lost =
        !fleet.isReady(cluster)
            && down.map(d -> d.compareTo(config.member().gracePeriod()) >= 0).orElse(false);
    if (!lost) {
      return;
    }
    String message =
        "member "
            + cluster
            + " lost (not answering for "
            + down.get().toSeconds()
            + "s): placing the job again";
    LOG.warnf("AIJob %s: %s", AIJobReconciler.key(job), message);
    events.record(job, EventRecorder.WARNING, "ClusterLost", message);
    metrics.failover();
    engine.release(job.getMetadata().getUid());
    if (fleet.isPull(cluster)) {
      // Withdrawn on the host now: the member's agent removes its copy before it counts as back.
      pullDispatch.withdraw(host, cluster, job);
    }
    status.setPlacement(null);
    status.setPhase(JobPhase.Pending);
    status.setStartTime(null);
    status.setEndTime(null);
    conditions.set(
        status.getConditions(),
        PLACED,
        Conditions.FALSE,
        "ClusterLost",
        message,
        job.getMetadata().getGeneration());
    conditions.set(
        status.getConditions(),
        DISPATCHED,
        Conditions.FALSE,
        "ClusterLost",
        message,
        job.getMetadata().getGeneration());
  }
}
