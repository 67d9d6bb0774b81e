package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.PLACED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.placement.Placement;
import io.aifabric.operator.placement.Placement.Placed;
import io.aifabric.operator.placement.Placement.Unplaceable;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Places a job with the placement engine on the fleet's current view: the cluster, GPU model, price
 * and per-replica nodes go into {@code status.placement} (which the reconciler then commits before
 * anything is created in a member); when no cluster fits, {@code Placed=False} says why.
 */
@ApplicationScoped
public class JobPlacing {
  private static final Logger LOG = Logger.getLogger(JobPlacing.class);

  private final PlacementEngine engine;
  private final FleetState fleet;
  private final Conditions conditions;
  private final EventRecorder events;
  private final AIJobMetrics metrics;

  public JobPlacing(
      PlacementEngine engine,
      FleetState fleet,
      Conditions conditions,
      EventRecorder events,
      AIJobMetrics metrics) {
    this.engine = engine;
    this.fleet = fleet;
    this.conditions = conditions;
    this.events = events;
    this.metrics = metrics;
  }

  /** Places the job; false when no cluster fits (the status then says why). */
  boolean place(AIJob job, AIJobStatus status, String provider, Set<String> clusters) {
    long started = System.nanoTime();
    var request = JobRequests.of(job).onlyOn(clusters);
    // A pull member's agent claims no volumes yet: a job that mounts one runs on push members.
    var views =
        job.getSpec().getVolumes() == null || job.getSpec().getVolumes().isEmpty()
            ? fleet.views()
            : fleet.views().stream().filter(v -> !fleet.isPull(v.name())).toList();
    Placement result = engine.place(provider.isEmpty() ? request : request.paidTo(provider), views);
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    Long generation = job.getMetadata().getGeneration();
    if (result instanceof Unplaceable none) {
      metrics.placement("unplaceable", took);
      String message = none.message();
      if (!Conditions.says(status.getConditions(), PLACED, message)) {
        events.record(job, EventRecorder.WARNING, "NoClusterFits", message);
      }
      status.setPhase(JobPhase.Pending);
      conditions.set(
          status.getConditions(), PLACED, Conditions.FALSE, "NoClusterFits", message, generation);
      return false;
    }
    Placed placed = (Placed) result;
    metrics.placement("placed", took);
    int gpus = job.getSpec().getResources().getGpusPerReplica();
    var placement = new io.aifabric.api.v1alpha1.aijob.Placement();
    placement.setCluster(placed.cluster());
    placement.setGpuModel(placed.gpuModel());
    placement.setPricePerGpuHour(placed.pricePerGpuHour().toPlainString());
    placement.setNodes(JobRequests.replicaNodes(placed.gpusByNode(), gpus));
    status.setPlacement(placement);
    status.setPhase(JobPhase.Placed);
    String message =
        "placed on "
            + placed.cluster()
            + ": "
            + job.getSpec().getReplicas()
            + " × "
            + gpus
            + " "
            + placed.gpuModel()
            + " at "
            + placed.pricePerGpuHour().toPlainString()
            + " per GPU-hour";
    conditions.set(status.getConditions(), PLACED, Conditions.TRUE, "Placed", message, generation);
    events.record(job, EventRecorder.NORMAL, "Placed", message);
    LOG.infof("AIJob %s: %s", AIJobReconciler.key(job), message);
    return true;
  }
}
