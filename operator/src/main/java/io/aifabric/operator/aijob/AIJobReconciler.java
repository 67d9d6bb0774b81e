package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.DISPATCHED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.informer.LeanItemStore;
import io.aifabric.operator.membercluster.MemberClients;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import io.aifabric.operator.volumes.JobVolumes;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Runs AIJobs on the network: validate ({@link JobValidation}) → fail over a lost member ({@link
 * JobFailover}) → fund ({@link JobFunding}) → place ({@link JobPlacing}) → commit → dispatch
 * ({@link JobDispatching}) → mirror ({@link JobStatusMirror}) → receipts and settlement. The
 * placement is written to status before anything is created in a member, so a crash at any point
 * finds either no placement (and places again) or a placement and deterministic names (and creates
 * nothing twice). A job whose member is lost past the grace period is placed again elsewhere; the
 * member's stale copy is removed when it comes back (StaleWorkCollector).
 */
@ControllerConfiguration(name = "aijob", informer = @Informer(itemStore = LeanItemStore.class))
public class AIJobReconciler implements Reconciler<AIJob>, Cleaner<AIJob> {
  private static final Logger LOG = Logger.getLogger(AIJobReconciler.class);
  private static final Duration CACHE_CATCH_UP = Duration.ofMillis(200);

  private final PlacementEngine engine;
  private final FleetState fleet;
  private final MemberClients clients;
  private final Dispatcher dispatcher;
  private final PullDispatch pullDispatch;
  private final MemberJobObserver observer;
  private final MemberWorkWatches watches;
  private final StatusWriter statusWriter;
  private final JobReceipts jobReceipts;
  private final JobVolumes jobVolumes;
  private final ReceiptArrivals receiptArrivals;
  private final JobFunding funding;
  private final JobValidation validation;
  private final JobFailover failover;
  private final VolumeWaits volumeWaits;
  private final JobPlacing placing;
  private final JobDispatching dispatching;
  private final JobStatusMirror mirror;
  private final Conditions conditions;
  private final EventRecorder events;
  private final OperatorConfig config;
  private volatile boolean reservationsRestored;

  public AIJobReconciler(
      PlacementEngine engine,
      FleetState fleet,
      MemberClients clients,
      Dispatcher dispatcher,
      PullDispatch pullDispatch,
      MemberJobObserver observer,
      MemberWorkWatches watches,
      StatusWriter statusWriter,
      JobReceipts jobReceipts,
      JobVolumes jobVolumes,
      ReceiptArrivals receiptArrivals,
      JobFunding funding,
      JobValidation validation,
      JobFailover failover,
      VolumeWaits volumeWaits,
      JobPlacing placing,
      JobDispatching dispatching,
      JobStatusMirror mirror,
      Conditions conditions,
      EventRecorder events,
      OperatorConfig config) {
    this.engine = engine;
    this.fleet = fleet;
    this.clients = clients;
    this.dispatcher = dispatcher;
    this.pullDispatch = pullDispatch;
    this.observer = observer;
    this.watches = watches;
    this.statusWriter = statusWriter;
    this.jobReceipts = jobReceipts;
    this.jobVolumes = jobVolumes;
    this.receiptArrivals = receiptArrivals;
    this.funding = funding;
    this.validation = validation;
    this.failover = failover;
    this.volumeWaits = volumeWaits;
    this.placing = placing;
    this.dispatching = dispatching;
    this.mirror = mirror;
    this.conditions = conditions;
    this.events = events;
    this.config = config;
  }

  @Override
  public UpdateControl<AIJob> reconcile(AIJob job, Context<AIJob> ctx) {
    if (statusWriter.isBehind(job)) {
      // Our last write has not reached the informer: wait for it rather than work from the past.
      return UpdateControl.<AIJob>noUpdate().rescheduleAfter(CACHE_CATCH_UP);
    }
    restoreReservations(ctx);
    AIJobStatus status = copy(job.getStatus());
    Long generation = job.getMetadata().getGeneration();

    if (!validation.validate(job, status)) {
      return write(job, status, null, ctx);
    }
    if (isFinished(status.getPhase())) {
      engine.release(job.getMetadata().getUid());
      mirror.markSettled(job, status);
      // Until every replica's node has signed for its work, look again now and then.
      // A receipt arriving reconciles the job (ReceiptArrivals); until then it is looked at
      // again only when the receipt wait is over.
      boolean receipted = jobReceipts.attach(job, status);
      return write(
          job,
          status,
          receipted ? mirror.untilSettled(job, status) : mirror.untilReceiptWaitIsOver(status),
          ctx);
    }
    failover.replaceIfClusterLost(ctx.getClient(), job, status);
    if (status.getPlacement() == null) {
      JobVolumes.Resolved volumes = jobVolumes.resolve(job);
      if (!volumes.missing().isEmpty()) {
        // Nothing is reserved for a job that could not mount what it asks for.
        volumeWaits.volumesMissing(job, status, volumes.missing());
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      Optional<String> provider = funding.check(job, status);
      if (provider.isEmpty()) {
        // Not funded (yet): nothing is reserved; the deposit is looked for again.
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      if (!placing.place(job, status, provider.get(), volumes.clusters())) {
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      // The commit point: where the job runs is on record before it runs there.
      job = statusWriter.commit(job, status, ctx);
      status = copy(job.getStatus());
    }
    String missing = JobDispatching.missingFromPlacement(status.getPlacement());
    if (missing != null) {
      // Not a placement this operator wrote (it writes all of these): dispatching it would guess.
      String message =
          "status.placement has no "
              + missing
              + "; remove status.placement to have the job placed again";
      if (!Conditions.says(status.getConditions(), DISPATCHED, message)) {
        events.record(job, EventRecorder.WARNING, "PlacementIncomplete", message);
      }
      conditions.set(
          status.getConditions(),
          DISPATCHED,
          Conditions.FALSE,
          "PlacementIncomplete",
          message,
          generation);
      return write(job, status, null, ctx);
    }
    String cluster = status.getPlacement().getCluster();
    if (fleet.isPull(cluster)) {
      return pull(job, status, generation, cluster, ctx);
    }
    Optional<KubernetesClient> member = clients.get(cluster);
    if (member.isEmpty() || !fleet.isReady(cluster)) {
      // Just restarted (the member is not probed yet) or within the member's grace period.
      return write(job, status, Duration.ofSeconds(2), ctx);
    }
    MemberWork work = watches.watch(cluster, member.get(), ctx);
    if (!Conditions.isTrue(status.getConditions(), DISPATCHED)) {
      // Not dispatched yet, or a crash came between apply and the status write: applying is
      // idempotent, so there is nothing to look at first.
      dispatching.dispatch(member.get(), work, job, status, generation);
    } else {
      MemberJobState state = observer.observe(work, member.get(), job);
      if (state.exists()) {
        mirror.mirror(job, status, state, generation);
      } else {
        dispatching.failDeletedInMember(job, status, generation);
      }
    }
    // A job that just finished is looked at once more: for its receipts.
    Duration next = config.dispatch().statusInterval();
    return write(job, status, next, ctx);
  }

  /**
   * The same dispatch and observation as a push member's, through the host: the work written for
   * the member's agent, the member Job's state read from what the agent reports.
   */
  private UpdateControl<AIJob> pull(
      AIJob job, AIJobStatus status, Long generation, String cluster, Context<AIJob> ctx) {
    if (!fleet.isReady(cluster)) {
      return write(job, status, Duration.ofSeconds(2), ctx);
    }
    if (!Conditions.isTrue(status.getConditions(), DISPATCHED)) {
      dispatching.dispatchToPull(ctx.getClient(), job, status, generation);
    } else {
      MemberJobState state =
          observer.observe(
              pullDispatch.memberJob(cluster, job), pullDispatch.pods(cluster, job), job);
      if (state.exists()) {
        mirror.mirror(job, status, state, generation);
      } else {
        dispatching.failDeletedInMember(job, status, generation);
      }
    }
    return write(job, status, config.dispatch().statusInterval(), ctx);
  }

  /** Deleting an AIJob removes what it created in its member, and only that. */
  @Override
  public DeleteControl cleanup(AIJob job, Context<AIJob> ctx) {
    engine.release(job.getMetadata().getUid());
    statusWriter.forget(job.getMetadata().getUid());
    jobReceipts.forget(job.getMetadata().getUid());
    LOG.infof("AIJob %s deleted: removing its work from its member", key(job));
    removeMemberWork(job, ctx);
    return DeleteControl.defaultDelete();
  }

  private void removeMemberWork(AIJob job, Context<AIJob> ctx) {
    if (job.getStatus() == null || job.getStatus().getPlacement() == null) {
      return;
    }
    String cluster = job.getStatus().getPlacement().getCluster();
    if (fleet.isPull(cluster)) {
      // On the host: the member's agent removes the work now, or when it is back.
      pullDispatch.withdraw(ctx.getClient(), cluster, job);
      return;
    }
    Optional<KubernetesClient> member = clients.get(cluster);
    if (member.isPresent() && fleet.isReady(cluster)) {
      try {
        dispatcher.delete(member.get(), DispatchNames.namespace(job), DispatchNames.name(job));
      } catch (KubernetesClientException e) {
        // The member's stale-work collection removes it once the member answers again.
        LOG.warnf(
            "AIJob %s: could not delete its work in %s: %s", key(job), cluster, e.getMessage());
      }
    }
  }

  @Override
  public List<EventSource<?, AIJob>> prepareEventSources(EventSourceContext<AIJob> context) {
    return List.of(
        receiptArrivals.eventSource(context.getPrimaryCache()), pullDispatch.eventSource(context));
  }

  /**
   * After a restart, the GPUs of jobs placed by the previous run count before anything new is
   * placed.
   */
  private void restoreReservations(Context<AIJob> ctx) {
    if (reservationsRestored) {
      return;
    }
    synchronized (this) {
      if (reservationsRestored) {
        return;
      }
      ctx.getPrimaryCache()
          .list()
          .filter(j -> j.getStatus() != null && j.getStatus().getPlacement() != null)
          .filter(j -> !isFinished(j.getStatus().getPhase()))
          .forEach(j -> engine.restore(j.getMetadata().getUid(), JobRequests.placedFromStatus(j)));
      reservationsRestored = true;
    }
  }

  /** Writes the status if it changed, and asks to be called again after the given time. */
  private UpdateControl<AIJob> write(
      AIJob job, AIJobStatus status, Duration rescheduleAfter, Context<AIJob> ctx) {
    status.setObservedGeneration(job.getMetadata().getGeneration());
    if (!Objects.equals(job.getStatus(), status)) {
      statusWriter.write(job, status, ctx);
    }
    UpdateControl<AIJob> control = UpdateControl.noUpdate();
    return rescheduleAfter == null ? control : control.rescheduleAfter(rescheduleAfter);
  }

  private static boolean isFinished(JobPhase phase) {
    return phase == JobPhase.Succeeded || phase == JobPhase.Failed || phase == JobPhase.Settled;
  }

  static String key(AIJob job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  /** A deep copy to change and compare with what the API server holds. */
  private static AIJobStatus copy(AIJobStatus status) {
    return status == null ? new AIJobStatus() : Serialization.clone(status);
  }
}
