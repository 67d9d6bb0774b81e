package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.RECEIPTED;
import static io.aifabric.operator.aijob.JobConditionTypes.RUNNING;
import static io.aifabric.operator.aijob.JobConditionTypes.SETTLED;
import static io.aifabric.operator.aijob.JobConditionTypes.SUCCEEDED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.EventRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the member says of a dispatched job, in its AIJob: start and end, GPU-seconds and cost, the
 * nodes its replicas run on, its phase with the {@code Running}/{@code Succeeded} conditions and an
 * Event per change; then {@code Settled} once the escrow bridge recorded where it was paid, and
 * when to look again for that.
 */
@ApplicationScoped
public class JobStatusMirror {
  private final PlacementEngine engine;
  private final Conditions conditions;
  private final EventRecorder events;
  private final AIJobMetrics metrics;
  private final OperatorConfig config;
  private final Clock clock;

  public JobStatusMirror(
      PlacementEngine engine,
      Conditions conditions,
      EventRecorder events,
      AIJobMetrics metrics,
      OperatorConfig config,
      Clock clock) {
    this.engine = engine;
    this.conditions = conditions;
    this.events = events;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  void mirror(AIJob job, AIJobStatus status, MemberJobState state, Long generation) {
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
  void markSettled(AIJob job, AIJobStatus status) {
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

  /** When to look for the settlement of a job that pays from escrow; null: nothing to wait for. */
  Duration untilSettled(AIJob job, AIJobStatus status) {
    var payment = job.getSpec().getPayment();
    boolean awaitsSettlement =
        payment != null
            && payment.paysFromEscrow()
            && status.getPhase() != JobPhase.Settled
            && Conditions.isTrue(status.getConditions(), RECEIPTED);
    return awaitsSettlement ? config.proof().settlementPoll() : null;
  }

  Duration untilReceiptWaitIsOver(AIJobStatus status) {
    Instant end =
        status.getEndTime() == null ? clock.instant() : Instant.parse(status.getEndTime());
    Duration left = Duration.between(clock.instant(), end.plus(config.proof().receiptWait()));
    // A second past the deadline, so that the look then finds it over.
    return left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(1);
  }
}
