package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
import io.aifabric.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Sums up what an AIJob's member Job and pods did. */
@ApplicationScoped
public class MemberJobObserver {
  private final Clock clock;
  private final OperatorConfig config;

  public MemberJobObserver(Clock clock, OperatorConfig config) {
    this.clock = clock;
    this.config = config;
  }

  /**
   * The state of the job's work in its member, from the member's informers. A Job the cache does
   * not have is asked for once more before it counts as gone: declaring paid work deleted on a
   * cache that is momentarily behind would fail a job that is running.
   */
  public MemberJobState observe(MemberWork work, KubernetesClient member, AIJob job) {
    String namespace = DispatchNames.namespace(job);
    String name = DispatchNames.name(job);
    Job memberJob =
        work.job(namespace, name)
            .orElseGet(
                () -> member.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    if (memberJob == null) {
      return MemberJobState.missing();
    }
    List<ReportedPod> pods =
        work.pods(job.getMetadata().getUid()).stream().map(ReportedPod::of).toList();
    return summarize(job, memberJob, pods, statusTime());
  }

  /** The state of a pull member's work, from what its agent reported (empty: no member Job). */
  public MemberJobState observe(
      Optional<Job> reportedJob, List<ReportedPod> reportedPods, AIJob job) {
    return reportedJob.isEmpty()
        ? MemberJobState.missing()
        : summarize(job, reportedJob.get(), reportedPods, statusTime());
  }

  /**
   * Now, in whole status intervals: a running job's GPU-seconds then change once per interval, not
   * with every member event, so a status that shows nothing new is not written again.
   */
  private Instant statusTime() {
    long step = Math.max(1, config.dispatch().statusInterval().toSeconds());
    long now = clock.instant().getEpochSecond();
    return Instant.ofEpochSecond(now - now % step);
  }

  /** The job's state from its member Job and that Job's pods, as either mode sees them. */
  static MemberJobState summarize(AIJob job, Job memberJob, List<ReportedPod> pods, Instant now) {
    int replicas = job.getSpec().getReplicas();
    int gpusPerReplica = job.getSpec().getResources().getGpusPerReplica();
    String[] nodes = new String[replicas];
    Instant start = null;
    Instant end = null;
    long gpuSeconds = 0;
    boolean anyRunning = false;
    for (ReportedPod pod : pods) {
      Integer index = pod.getIndex();
      if (index != null && index >= 0 && index < replicas && pod.getNodeName() != null) {
        nodes[index] = pod.getNodeName();
      }
      if (pod.getStartTime() == null) {
        continue;
      }
      Instant podStart = Instant.parse(pod.getStartTime());
      Instant podEnd = pod.getFinishedAt() == null ? null : Instant.parse(pod.getFinishedAt());
      anyRunning |= "Running".equals(pod.getPhase());
      start = start == null || podStart.isBefore(start) ? podStart : start;
      Instant until = podEnd == null ? now : podEnd;
      if (podEnd != null) {
        end = end == null || podEnd.isAfter(end) ? podEnd : end;
      }
      gpuSeconds +=
          Math.max(0, until.getEpochSecond() - podStart.getEpochSecond()) * gpusPerReplica;
    }
    JobPhase phase = anyRunning ? JobPhase.Running : JobPhase.Placed;
    String message =
        pods.isEmpty() ? "waiting for the member to create pods" : pods.size() + " pods";
    JobCondition done = terminalCondition(memberJob);
    if (done != null) {
      phase = "Complete".equals(done.getType()) ? JobPhase.Succeeded : JobPhase.Failed;
      message =
          done.getMessage() == null
              ? done.getReason()
              : done.getReason() + ": " + done.getMessage();
      if (memberJob.getStatus().getCompletionTime() != null) {
        end = Instant.parse(memberJob.getStatus().getCompletionTime());
      } else if (end == null) {
        end = now;
      }
    } else {
      end = null;
    }
    return new MemberJobState(
        true, phase, new ArrayList<>(Arrays.asList(nodes)), start, end, gpuSeconds, message);
  }

  private static JobCondition terminalCondition(Job job) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return null;
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .filter(c -> "Complete".equals(c.getType()) || "Failed".equals(c.getType()))
        .findFirst()
        .orElse(null);
  }
}
