package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes AIJob status, and knows when the informer's copy of a job is older than what this operator
 * last wrote. The SDK keeps the result of its own writes in a temporary cache, but forgets it when
 * an older watch event arrives (it may only compare resource versions when told to, which Quarkus'
 * SDK extension does not offer); a job that is placed, given its finalizer and marked dispatched in
 * one pass then reads as merely placed for a moment. Reconciling that stale copy would cost a
 * conflict and a retry at best, so the reconciler waits for the informer instead ({@link
 * #isBehind}). With that guard this operator is the only writer of status and never computes from a
 * stale one, so ordinary status writes need no optimistic lock; the placement commit keeps one.
 */
@ApplicationScoped
public class StatusWriter {
  private static final PatchContext APPLY_STATUS =
      new PatchContext.Builder()
          .withPatchType(PatchType.SERVER_SIDE_APPLY)
          .withFieldManager("aijob")
          .withForce(true)
          .build();

  private final Map<String, Long> written = new ConcurrentHashMap<>();

  /**
   * The commit point: the placement is recorded, with an optimistic lock, before anything runs.
   *
   * @return the job as the API server now has it
   */
  public AIJob commit(AIJob job, AIJobStatus status, Context<AIJob> ctx) {
    AIJob updated =
        PrimaryUpdateAndCacheUtils.ssaPatchStatusAndCacheResource(job, patch(job, status), ctx);
    wrote(updated);
    return updated;
  }

  /** Writes status without a lock (see the class comment) and caches the result. */
  public AIJob write(AIJob job, AIJobStatus status, Context<AIJob> ctx) {
    AIJob updated =
        ctx.getClient().resource(patch(job, status)).subresource("status").patch(APPLY_STATUS);
    ctx.eventSourceRetriever()
        .getControllerEventSource()
        .handleRecentResourceUpdate(ResourceID.fromResource(job), updated, job);
    wrote(updated);
    return updated;
  }

  /** Remembers a version of the job this operator wrote (status or metadata). */
  public void wrote(AIJob job) {
    Long version = version(job);
    if (version != null) {
      written.merge(job.getMetadata().getUid(), version, Math::max);
    }
  }

  /** True when the informer has not yet seen this operator's latest write to the job. */
  public boolean isBehind(AIJob cached) {
    Long last = written.get(cached.getMetadata().getUid());
    Long seen = version(cached);
    return last != null && seen != null && seen < last;
  }

  public void forget(String uid) {
    written.remove(uid);
  }

  private static AIJob patch(AIJob job, AIJobStatus status) {
    AIJob patch = new AIJob();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(job.getMetadata().getName())
            .withNamespace(job.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }

  /** Resource versions are etcd revisions in every API server in use; anything else: no guard. */
  private static Long version(AIJob job) {
    try {
      return Long.valueOf(job.getMetadata().getResourceVersion());
    } catch (NumberFormatException | NullPointerException e) {
      return null;
    }
  }
}
