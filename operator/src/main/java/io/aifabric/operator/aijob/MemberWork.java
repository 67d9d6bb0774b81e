package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.List;
import java.util.Optional;

/**
 * What aifabric runs in one member, as its informers see it: the Jobs it created and their pods.
 * Reading status from here instead of asking the member per job keeps a busy member's API server
 * free for the work itself.
 */
public final class MemberWork {
  static final String BY_JOB_UID = "aifabric-job-uid";

  private final InformerEventSource<Job, AIJob> jobs;
  private final InformerEventSource<Pod, AIJob> pods;

  MemberWork(InformerEventSource<Job, AIJob> jobs, InformerEventSource<Pod, AIJob> pods) {
    this.jobs = jobs;
    this.pods = pods;
  }

  public Optional<Job> job(String namespace, String name) {
    return jobs.get(new ResourceID(name, namespace));
  }

  /** The pods of one AIJob's member Job, found by the AIJob UID label they all carry. */
  public List<Pod> pods(String jobUid) {
    return pods.byIndex(BY_JOB_UID, jobUid);
  }

  /**
   * Tells the cache about a Job just created, so the reconciliation that follows sees it even if
   * the member's watch event has not arrived yet.
   */
  public void created(Job job) {
    jobs.handleRecentResourceCreate(ResourceID.fromResource(job), job);
  }

  String[] names() {
    return new String[] {jobs.name(), pods.name()};
  }
}
