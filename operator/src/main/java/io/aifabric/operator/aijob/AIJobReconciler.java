package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.informer.LeanItemStore;
import io.aifabric.operator.membercluster.MemberClients;
import io.aifabric.operator.outputs.SealedOutputsStatus;
import io.aifabric.operator.outputs.StoreUnusableException;
import io.aifabric.operator.placement.Placement;
import io.aifabric.operator.placement.Placement.Placed;
import io.aifabric.operator.placement.Placement.Unplaceable;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import io.aifabric.operator.volumes.JobVolumes;
import io.aifabric.operator.volumes.SealedInputs;
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
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Runs AIJobs on the network: validate → place → dispatch → observe. The placement is written to
 * status before anything is created in a member, so a crash at any point finds either no placement
 * (and places again) or a placement and deterministic names (and creates nothing twice). A job
 * whose member is lost past the grace period is placed again elsewhere; the member's stale copy is
 * removed when it comes back (StaleWorkCollector).
 */
@ControllerConfiguration(name = "aijob", informer = @Informer(itemStore = LeanItemStore.class))
public class AIJobReconciler implements Reconciler<AIJob>, Cleaner<AIJob> {
  private static final Logger LOG = Logger.getLogger(AIJobReconciler.class);
  static final String VALID = "Valid";
  static final String PLACED = "Placed";
  static final String DISPATCHED = "Dispatched";
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String RECEIPTED = JobReceipts.RECEIPTED;
  static final String SETTLED = "Settled";
  static final String VOLUMES_MOUNTED = "VolumesMounted";
  private static final Duration CACHE_CATCH_UP = Duration.ofMillis(200);

  private final PlacementEngine engine;
  private final FleetState fleet;
  private final MemberClients clients;
  private final Dispatcher dispatcher;
  private final MemberJobObserver observer;
  private final MemberWorkWatches watches;
  private final StatusWriter statusWriter;
  private final JobReceipts jobReceipts;
  private final JobVolumes jobVolumes;
  private final TenantNamespaces tenants;
  private final ReceiptArrivals receiptArrivals;
  private final JobFunding funding;
  private final Conditions conditions;
  private final EventRecorder events;
  private final AIJobMetrics metrics;
  private final OperatorConfig config;
  private final Clock clock;
  private volatile boolean reservationsRestored;

  public AIJobReconciler(
      PlacementEngine engine,
      FleetState fleet,
      MemberClients clients,
      Dispatcher dispatcher,
      MemberJobObserver observer,
      MemberWorkWatches watches,
      StatusWriter statusWriter,
      JobReceipts jobReceipts,
      JobVolumes jobVolumes,
      TenantNamespaces tenants,
      ReceiptArrivals receiptArrivals,
      JobFunding funding,
      Conditions conditions,
      EventRecorder events,
      AIJobMetrics metrics,
      OperatorConfig config,
      Clock clock) {
    this.engine = engine;
    this.fleet = fleet;
    this.clients = clients;
    this.dispatcher = dispatcher;
    this.observer = observer;
    this.watches = watches;
    this.statusWriter = statusWriter;
    this.jobReceipts = jobReceipts;
    this.jobVolumes = jobVolumes;
    this.tenants = tenants;
    this.receiptArrivals = receiptArrivals;
    this.funding = funding;
    this.conditions = conditions;
    this.events = events;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
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

    if (!validate(job, status)) {
      return write(job, status, null, ctx);
    }
    if (isFinished(status.getPhase())) {
      engine.release(job.getMetadata().getUid());
      markSettled(job, status);
      // Until every replica's node has signed for its work, look again now and then.
      // A receipt arriving reconciles the job (ReceiptArrivals); until then it is looked at
      // again only when the receipt wait is over.
      boolean receipted = jobReceipts.attach(job, status);
      return write(
          job, status, receipted ? untilSettled(job, status) : untilReceiptWaitIsOver(status), ctx);
    }
    replaceIfClusterLost(job, status);
    if (status.getPlacement() == null) {
      JobVolumes.Resolved volumes = jobVolumes.resolve(job);
      if (!volumes.missing().isEmpty()) {
        // Nothing is reserved for a job that could not mount what it asks for.
        volumesMissing(job, status, volumes.missing());
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      Optional<String> provider = funding.check(job, status);
      if (provider.isEmpty()) {
        // Not funded (yet): nothing is reserved; the deposit is looked for again.
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      if (!place(job, status, provider.get(), volumes.clusters())) {
        return write(job, status, config.dispatch().pendingRetry(), ctx);
      }
      // The commit point: where the job runs is on record before it runs there.
      job = statusWriter.commit(job, status, ctx);
      status = copy(job.getStatus());
    }
    String missing = missingFromPlacement(status.getPlacement());
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
    Optional<KubernetesClient> member = clients.get(cluster);
    if (member.isEmpty() || !fleet.isReady(cluster)) {
      // Just restarted (the member is not probed yet) or within the member's grace period.
      return write(job, status, Duration.ofSeconds(2), ctx);
    }
    MemberWork work = watches.watch(cluster, member.get(), ctx);
    if (!Conditions.isTrue(status.getConditions(), DISPATCHED)) {
      // Not dispatched yet, or a crash came between apply and the status write: applying is
      // idempotent, so there is nothing to look at first.
      dispatch(member.get(), work, job, status, generation);
    } else {
      MemberJobState state = observer.observe(work, member.get(), job);
      if (state.exists()) {
        mirror(job, status, state, generation);
      } else {
        failDeletedInMember(job, status, generation);
      }
    }
    // A job that just finished is looked at once more: for its receipts.
    Duration next = config.dispatch().statusInterval();
    return write(job, status, next, ctx);
  }

  /** Deleting an AIJob removes what it created in its member, and only that. */
  @Override
  public DeleteControl cleanup(AIJob job, Context<AIJob> ctx) {
    engine.release(job.getMetadata().getUid());
    statusWriter.forget(job.getMetadata().getUid());
    jobReceipts.forget(job.getMetadata().getUid());
    LOG.infof("AIJob %s deleted: removing its work from its member", key(job));
    removeMemberWork(job);
    return DeleteControl.defaultDelete();
  }

  private void removeMemberWork(AIJob job) {
    if (job.getStatus() == null || job.getStatus().getPlacement() == null) {
      return;
    }
    String cluster = job.getStatus().getPlacement().getCluster();
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

  private boolean validate(AIJob job, AIJobStatus status) {
    List<String> problems = SpecValidator.problems(job.getSpec());
    Long generation = job.getMetadata().getGeneration();
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      if (!Conditions.says(status.getConditions(), VALID, message)) {
        events.record(job, EventRecorder.WARNING, "InvalidSpec", message);
      }
      conditions.set(
          status.getConditions(), VALID, Conditions.FALSE, "InvalidSpec", message, generation);
      if (status.getPhase() == null) {
        status.setPhase(JobPhase.Pending);
      }
      return false;
    }
    conditions.set(
        status.getConditions(),
        VALID,
        Conditions.TRUE,
        "SpecValid",
        "the spec is valid",
        generation);
    if (job.getSpec().getEncryption() != null
        && Conditions.find(status.getConditions(), SealedOutputsStatus.CONDITION).isEmpty()) {
      conditions.set(
          status.getConditions(),
          SealedOutputsStatus.CONDITION,
          Conditions.FALSE,
          "AwaitingReplicas",
          "each replica's output is sealed to the user's key when the replica ends",
          generation);
    }
    return true;
  }

  private void replaceIfClusterLost(AIJob job, AIJobStatus status) {
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
    LOG.warnf("AIJob %s: %s", key(job), message);
    events.record(job, EventRecorder.WARNING, "ClusterLost", message);
    metrics.failover();
    engine.release(job.getMetadata().getUid());
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

  /** A job that names StorageVolumes that are not there waits, saying which. */
  private void volumesMissing(AIJob job, AIJobStatus status, List<String> missing) {
    volumesUnusable(
        job,
        status,
        "VolumeMissing",
        "StorageVolume "
            + String.join(", ", missing)
            + " does not exist in namespace "
            + job.getMetadata().getNamespace()
            + " (or is being deleted): the job waits for it");
  }

  private void volumesUnusable(AIJob job, AIJobStatus status, String reason, String message) {
    if (!Conditions.says(status.getConditions(), VOLUMES_MOUNTED, message)) {
      events.record(job, EventRecorder.WARNING, reason, message);
    }
    if (status.getPhase() == null) {
      status.setPhase(JobPhase.Pending);
    }
    conditions.set(
        status.getConditions(),
        VOLUMES_MOUNTED,
        Conditions.FALSE,
        reason,
        message,
        job.getMetadata().getGeneration());
  }

  /** Places the job; false when no cluster fits (the status then says why). */
  private boolean place(AIJob job, AIJobStatus status, String provider, Set<String> clusters) {
    long started = System.nanoTime();
    var request = JobRequests.of(job).onlyOn(clusters);
    Placement result =
        engine.place(provider.isEmpty() ? request : request.paidTo(provider), fleet.views());
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
    LOG.infof("AIJob %s: %s", key(job), message);
    return true;
  }

  /** The member Job of a dispatched job is gone: running it again would bill the work twice. */
  private void failDeletedInMember(AIJob job, AIJobStatus status, Long generation) {
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

  private void dispatch(
      KubernetesClient member, MemberWork work, AIJob job, AIJobStatus status, Long generation) {
    String cluster = status.getPlacement().getCluster();
    long runSeconds =
        RunDeadline.seconds(job.getSpec(), status.getPlacement().getPricePerGpuHour());
    JobVolumes.Resolved volumes = jobVolumes.resolve(job);
    if (!volumes.missing().isEmpty()) {
      volumesMissing(job, status, volumes.missing());
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
      // Not dispatched: a job whose outputs could not leave the node would run for nothing.
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
      return;
    }
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

  private void mirror(AIJob job, AIJobStatus status, MemberJobState state, Long generation) {
    JobPhase before = status.getPhase();
    int gpus = job.getSpec().getResources().getGpusPerReplica();
    if (state.startTime() != null) {
      status.setStartTime(state.startTime().toString());
    }
    if (state.endTime() != null) {
      status.setEndTime(state.endTime().toString());
    }
    status.setGpuSeconds(state.gpuSeconds());
    BigDecimal price = new BigDecimal(status.getPlacement().getPricePerGpuHour());
    status.setCost(
        price
            .multiply(BigDecimal.valueOf(state.gpuSeconds()))
            .divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_UP)
            .stripTrailingZeros()
            .toPlainString());
    if (state.nodes().stream().allMatch(Objects::nonNull)) {
      status.getPlacement().setNodes(state.nodes());
      engine.reanchor(job.getMetadata().getUid(), JobRequests.gpusByNode(state.nodes(), gpus));
    }
    if (state.phase() != JobPhase.Placed || before == null) {
      status.setPhase(state.phase());
    }
    if (status.getPhase() == before) {
      return;
    }
    switch (status.getPhase()) {
      case Running -> {
        conditions.set(
            status.getConditions(),
            RUNNING,
            Conditions.TRUE,
            "PodsRunning",
            state.message(),
            generation);
        events.record(
            job,
            EventRecorder.NORMAL,
            "Running",
            "running on "
                + String.join(
                    ", ",
                    new java.util.TreeSet<>(
                        state.nodes().stream().filter(Objects::nonNull).toList())));
      }
      case Succeeded, Failed -> {
        boolean ok = status.getPhase() == JobPhase.Succeeded;
        conditions.set(
            status.getConditions(),
            RUNNING,
            Conditions.FALSE,
            ok ? "Completed" : "Failed",
            state.message(),
            generation);
        conditions.set(
            status.getConditions(),
            SUCCEEDED,
            ok ? Conditions.TRUE : Conditions.FALSE,
            ok ? "Completed" : "Failed",
            state.message(),
            generation);
        events.record(
            job,
            ok ? EventRecorder.NORMAL : EventRecorder.WARNING,
            status.getPhase().name(),
            state.message()
                + "; "
                + status.getGpuSeconds()
                + " GPU-seconds, cost "
                + status.getCost());
        engine.release(job.getMetadata().getUid());
        metrics.finished(status.getPhase().name());
      }
      default -> {}
    }
  }

  /**
   * The escrow bridge writes where the job was paid ({@code status.settlement}) once the settling
   * transaction is buried deep enough; the job is then Settled.
   */
  private void markSettled(AIJob job, AIJobStatus status) {
    var settlement = status.getSettlement();
    if (settlement == null || status.getPhase() == JobPhase.Settled) {
      return;
    }
    status.setPhase(JobPhase.Settled);
    String message =
        "paid in settlement batch "
            + settlement.getBatch()
            + ", transaction "
            + settlement.getTxHash()
            + ", block "
            + settlement.getBlockNumber();
    conditions.set(
        status.getConditions(),
        SETTLED,
        Conditions.TRUE,
        "SettledOnChain",
        message,
        job.getMetadata().getGeneration());
    events.record(job, EventRecorder.NORMAL, "Settled", message);
  }

  /** The first field a dispatch needs that the placement lacks, or null. */
  private static String missingFromPlacement(io.aifabric.api.v1alpha1.aijob.Placement placement) {
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

  /** When to look for the settlement of a job that pays from escrow; null: nothing to wait for. */
  private Duration untilSettled(AIJob job, AIJobStatus status) {
    var payment = job.getSpec().getPayment();
    boolean awaitsSettlement =
        payment != null
            && payment.paysFromEscrow()
            && status.getPhase() != JobPhase.Settled
            && Conditions.isTrue(status.getConditions(), RECEIPTED);
    return awaitsSettlement ? config.proof().settlementPoll() : null;
  }

  private Duration untilReceiptWaitIsOver(AIJobStatus status) {
    Instant end =
        status.getEndTime() == null ? clock.instant() : Instant.parse(status.getEndTime());
    Duration left = Duration.between(clock.instant(), end.plus(config.proof().receiptWait()));
    // A second past the deadline, so that the look then finds it over.
    return left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(1);
  }

  @Override
  public List<EventSource<?, AIJob>> prepareEventSources(EventSourceContext<AIJob> context) {
    return List.of(receiptArrivals.eventSource(context.getPrimaryCache()));
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

  private static String key(AIJob job) {
    return job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
  }

  /** A deep copy to change and compare with what the API server holds. */
  private static AIJobStatus copy(AIJobStatus status) {
    return status == null ? new AIJobStatus() : Serialization.clone(status);
  }
}
