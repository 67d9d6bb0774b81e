package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.DISPATCHED;
import static io.aifabric.operator.aijob.JobConditionTypes.SUCCEEDED;
import static io.aifabric.operator.aijob.JobConditionTypes.VOLUMES_MOUNTED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.outputs.StoreUnusableException;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import io.aifabric.operator.volumes.JobVolumes;
import io.aifabric.operator.volumes.SealedInputs;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Dispatches a placed job into its member once everything it needs is there — its volumes claimed
 * and bound, its sealed inputs granted to the placed nodes, its output store usable — as an Indexed
 * Job under deterministic names (applying again creates nothing twice), and says in {@code
 * Dispatched} what it waits for. A dispatched job whose member Job was deleted fails rather than
 * run twice.
 */
@ApplicationScoped
public class JobDispatching {
  private final Dispatcher dispatcher;
  private final PullDispatch pullDispatch;
  private final JobVolumes jobVolumes;
  private final TenantNamespaces tenants;
  private final VolumeWaits volumeWaits;
  private final PlacementEngine engine;
  private final Conditions conditions;
  private final EventRecorder events;
  private final AIJobMetrics metrics;
  private final Clock clock;

  public JobDispatching(
      Dispatcher dispatcher,
      PullDispatch pullDispatch,
      JobVolumes jobVolumes,
      TenantNamespaces tenants,
      VolumeWaits volumeWaits,
      PlacementEngine engine,
      Conditions conditions,
      EventRecorder events,
      AIJobMetrics metrics,
      Clock clock) {
    this.dispatcher = dispatcher;
    this.pullDispatch = pullDispatch;
    this.jobVolumes = jobVolumes;
    this.tenants = tenants;
    this.volumeWaits = volumeWaits;
    this.engine = engine;
    this.conditions = conditions;
    this.events = events;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The first field a dispatch needs that the placement lacks, or null. */
  static String missingFromPlacement(io.aifabric.api.v1alpha1.aijob.Placement placement) {
    if (placement.getCluster() == null) {
      return "cluster";
    }
    if (placement.getGpuModel() == null) {
      return "gpuModel";
    }
    if (placement.getPricePerGpuHour() == null) {
      return "pricePerGpuHour";
    }
    return null;
  }

  void dispatch(
      KubernetesClient member, MemberWork work, AIJob job, AIJobStatus status, Long generation) {
    String cluster = status.getPlacement().getCluster();
    long runSeconds =
        RunDeadline.seconds(job.getSpec(), status.getPlacement().getPricePerGpuHour());
    JobVolumes.Resolved volumes = jobVolumes.resolve(job);
    if (!volumes.missing().isEmpty()) {
      volumeWaits.volumesMissing(job, status, volumes.missing());
      return;
    }
    if (!volumes.withSealedInputs().isEmpty()) {
      String missing = SealedInputs.missingGrants(job, status.getPlacement(), volumes.volumes());
      if (!missing.isEmpty()) {
        // Placed, not dispatched: the nodes are known, so the user can grant them the keys.
        if (!Conditions.says(status.getConditions(), DISPATCHED, missing)) {
          events.record(job, EventRecorder.NORMAL, "AwaitingInputGrants", missing);
        }
        conditions.set(
            status.getConditions(),
            DISPATCHED,
            Conditions.FALSE,
            "AwaitingInputGrants",
            missing,
            generation);
        return;
      }
    }
    if (!volumes.volumes().isEmpty()) {
      String namespace = DispatchNames.namespace(job);
      tenants.ensure(cluster, member, namespace);
      JobVolumes.ClaimState claims =
          jobVolumes.claim(member, cluster, namespace, volumes.volumes());
      conditions.set(
          status.getConditions(),
          VOLUMES_MOUNTED,
          claims.ready() ? Conditions.TRUE : Conditions.FALSE,
          claims.ready() ? "Claimed" : "ClaimPending",
          claims.message(),
          generation);
      if (!claims.ready()) {
        if (!Conditions.says(status.getConditions(), DISPATCHED, claims.message())) {
          events.record(job, EventRecorder.NORMAL, "AwaitingVolumes", claims.message());
        }
        conditions.set(
            status.getConditions(),
            DISPATCHED,
            Conditions.FALSE,
            "AwaitingVolumes",
            claims.message(),
            generation);
        return;
      }
    }
    try {
      dispatcher
          .apply(cluster, member, job, status.getPlacement(), volumes.volumes())
          .ifPresent(work::created);
    } catch (StoreUnusableException e) {
      storeUnusable(job, status, generation, e);
      return;
    }
    dispatched(job, status, generation, cluster, runSeconds);
  }

  /** Not dispatched: a job whose outputs could not leave the node would run for nothing. */
  private void storeUnusable(
      AIJob job, AIJobStatus status, Long generation, StoreUnusableException e) {
    if (!Conditions.says(status.getConditions(), DISPATCHED, e.getMessage())) {
      events.record(job, EventRecorder.WARNING, e.reason(), e.getMessage());
    }
    conditions.set(
        status.getConditions(),
        DISPATCHED,
        Conditions.FALSE,
        e.reason(),
        e.getMessage() + "; the job waits",
        generation);
  }

  /**
   * Dispatches a placed job to a pull member: its work written on the host for the member's agent
   * ({@link PullDispatch}); dispatched once the agent has applied it. Placement puts no job that
   * mounts volumes on a pull member.
   */
  void dispatchToPull(KubernetesClient host, AIJob job, AIJobStatus status, Long generation) {
    String cluster = status.getPlacement().getCluster();
    try {
      if (pullDispatch.dispatch(host, cluster, job, status, generation)) {
        dispatched(
            job,
            status,
            generation,
            cluster,
            RunDeadline.seconds(job.getSpec(), status.getPlacement().getPricePerGpuHour()));
      }
    } catch (StoreUnusableException e) {
      storeUnusable(job, status, generation, e);
    }
  }

  private void dispatched(
      AIJob job, AIJobStatus status, Long generation, String cluster, long runSeconds) {
    Instant created = Instant.parse(job.getMetadata().getCreationTimestamp());
    metrics.dispatched(Duration.between(created, clock.instant()));
    String message =
        "Job "
            + DispatchNames.namespace(job)
            + "/"
            + DispatchNames.name(job)
            + " created in "
            + cluster
            + ", to run at most "
            + runSeconds
            + " s (maxDuration, or what the budget pays for at this price)"
            + (job.getSpec().getEncryption() != null
                ? "; its outputs are sealed to the user's key"
                : "");
    conditions.set(
        status.getConditions(), DISPATCHED, Conditions.TRUE, "Dispatched", message, generation);
    events.record(job, EventRecorder.NORMAL, "Dispatched", message);
  }

  /** The member Job of a dispatched job is gone: running it again would bill the work twice. */
  void failDeletedInMember(AIJob job, AIJobStatus status, Long generation) {
    String cluster = status.getPlacement().getCluster();
    String message = "the job's work was deleted in member " + cluster;
    status.setPhase(JobPhase.Failed);
    status.setEndTime(clock.instant().toString());
    conditions.set(
        status.getConditions(),
        SUCCEEDED,
        Conditions.FALSE,
        "MemberJobDeleted",
        message,
        generation);
    events.record(job, EventRecorder.WARNING, "MemberJobDeleted", message);
    engine.release(job.getMetadata().getUid());
    metrics.finished("Failed");
  }
}
