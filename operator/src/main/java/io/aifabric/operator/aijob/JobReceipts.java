package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.outputs.SealedOutputsStatus;
import io.aifabric.operator.proof.ReceiptMatcher;
import io.aifabric.operator.proof.WorkReceipts;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * A finished job's work receipts: one per replica, signed by the node it ran on, attached to its
 * status (count, digest, {@code Receipted}) with the sealed outputs they name. Settlement pays for
 * nothing less than every replica receipted.
 */
@ApplicationScoped
public class JobReceipts {
  static final String RECEIPTED = "Receipted";
  private static final Logger LOG = Logger.getLogger(JobReceipts.class);

  private final WorkReceipts receipts;
  private final SealedOutputsStatus outputs;
  private final Conditions conditions;
  private final AIJobMetrics metrics;
  private final OperatorConfig config;
  private final Clock clock;

  public JobReceipts(
      WorkReceipts receipts,
      SealedOutputsStatus outputs,
      Conditions conditions,
      AIJobMetrics metrics,
      OperatorConfig config,
      Clock clock) {
    this.receipts = receipts;
    this.outputs = outputs;
    this.conditions = conditions;
    this.metrics = metrics;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Attaches the receipts held for a finished job; Receipted=True only when every replica has one.
   *
   * @return true when there is nothing more to wait for: every replica is receipted, the job never
   *     ran anywhere, or the receipt wait is over
   */
  boolean attach(AIJob job, AIJobStatus status) {
    var placement = status.getPlacement();
    if (placement == null || placement.getNodes() == null || placement.getNodes().isEmpty()) {
      return true;
    }
    String uid = job.getMetadata().getUid();
    ReceiptMatcher.Match match =
        ReceiptMatcher.match(placement.getCluster(), placement.getNodes(), receipts.forJob(uid));
    for (var refused : match.refused()) {
      LOG.warnf(
          "AIJob %s/%s: receipt for replica %d refused: signed by %s, which did not run it",
          job.getMetadata().getNamespace(),
          job.getMetadata().getName(),
          refused.receipt().replica(),
          refused.computeNode());
      metrics.receiptRefused("not_run_here");
    }
    receipts.discard(uid, match.refused());
    status.setReceiptCount(match.count());
    status.setReceiptsDigest(match.count() == 0 ? null : match.digest());
    outputs.record(job, status, match.byReplica());
    int replicas = placement.getNodes().size();
    boolean givenUp =
        !match.complete()
            && status.getEndTime() != null
            && Instant.parse(status.getEndTime())
                .plus(config.proof().receiptWait())
                .isBefore(clock.instant());
    conditions.set(
        status.getConditions(),
        RECEIPTED,
        match.complete() ? Conditions.TRUE : Conditions.FALSE,
        match.complete()
            ? "AllReplicasReceipted"
            : givenUp ? "ReceiptsMissing" : "AwaitingReceipts",
        match.count()
            + " of "
            + replicas
            + " replicas have a receipt signed by the node they ran on",
        job.getMetadata().getGeneration());
    return match.complete() || givenUp;
  }

  /** Forgets the receipts held for a job that is gone. */
  void forget(String jobUid) {
    receipts.forget(jobUid);
  }
}
