package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Keeps the {@link ReceiptBook} to the jobs that may still be settled from escrow. Agents publish
 * receipts retained, so a bridge hears every job's receipts, including those of jobs paid another
 * way, settled while it was down, or deleted; only the relayer that settles a job forgets its
 * receipts at once. Every sweep drops the receipts of each job that is gone, settled, or has no
 * escrow deposit, once they are older than the grace (a job's latest state may reach this bridge's
 * informer after its receipts).
 */
@ApplicationScoped
public class ReceiptSweep {
  static final Duration GRACE = Duration.ofMinutes(10);
  private static final Logger LOG = Logger.getLogger(ReceiptSweep.class);

  private final HostView host;
  private final ReceiptBook receipts;

  public ReceiptSweep(HostView host, ReceiptBook receipts) {
    this.host = host;
    this.receipts = receipts;
  }

  @Scheduled(
      every = "${aifabric.bridge.receipt-sweep:5m}",
      delayed = "1m",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void sweep() {
    if (!host.synced()) {
      return; // an empty cache would make every job look gone
    }
    Set<String> settleable = new HashSet<>();
    for (AIJob job : host.jobs()) {
      if (JobAudit.awaitsSettlement(job)) {
        settleable.add(job.getMetadata().getUid());
      }
    }
    int dropped = receipts.forgetUnneeded(settleable::contains, GRACE);
    if (dropped > 0) {
      LOG.infof(
          "forgot the receipts of %d jobs that are gone, settled or not paid from escrow", dropped);
    }
  }
}
