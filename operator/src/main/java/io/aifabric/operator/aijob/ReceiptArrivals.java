package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.operator.proof.WorkReceipts;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * An event source for the AIJob controller: a work receipt arriving reconciles the job it is for,
 * so a finished job takes its receipts when they come rather than by looking again every status
 * interval. Receipts name their job by UID; the AIJob cache is indexed by UID to find it.
 */
@ApplicationScoped
public class ReceiptArrivals {
  static final String BY_UID = "byUid";

  private final SimpleInboundEventSource<AIJob> source = new SimpleInboundEventSource<>("receipts");
  private volatile IndexerResourceCache<AIJob> jobs;

  public ReceiptArrivals(WorkReceipts receipts) {
    receipts.onReceived(this::arrived);
  }

  /** The event source, with the AIJob cache it looks jobs up in (called once, at start). */
  SimpleInboundEventSource<AIJob> eventSource(IndexerResourceCache<AIJob> primaryCache) {
    primaryCache.addIndexers(Map.of(BY_UID, job -> List.of(job.getMetadata().getUid())));
    this.jobs = primaryCache;
    return source;
  }

  void arrived(String jobUid) {
    IndexerResourceCache<AIJob> cache = jobs;
    if (cache == null) {
      // Not started yet: the job's first reconcile takes every receipt kept so far.
      return;
    }
    for (AIJob job : cache.byIndex(BY_UID, jobUid)) {
      source.propagateEvent(ResourceID.fromResource(job));
    }
  }
}
