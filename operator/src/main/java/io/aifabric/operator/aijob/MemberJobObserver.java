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
    return summarize(job, memberJob, pods, statusTime(), clock.instant());
  }

  /** The state of a pull member's work, from what its agent reported (empty: no member Job). */
  public MemberJobState observe(
      Optional<Job> reportedJob, List<ReportedPod> reportedPods, AIJob job) {
    return reportedJob.isEmpty()
        ? MemberJobState.missing()
        : summarize(job, reportedJob.get(), reportedPods, statusTime(), clock.instant());
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

  /**
   * The job's state from its member Job and that Job's pods, as either mode sees them.
   *
   * <p>The times come from the member (its kubelets, or a pull member's agent), which is the
   * provider's: they are held to what the host itself saw. Nothing of the job ran before the host
   * created the AIJob (its creation time, the host API server's clock), and nothing ended after the
   * operator read it ({@code observedAt}). A member that reports a start in the past or an end in
   * the future cannot stretch the job's recorded run, and with it the GPU time its receipts may
   * claim (the oracles' audit caps each receipt by that run).
   *
   * @param now the end of a running pod's GPU time (the status interval's start: see above)
   * @param observedAt when the operator read what the member reported
   */
  static MemberJobState summarize(
      AIJob job, Job memberJob, List<ReportedPod> pods, Instant now, Instant observedAt) {
    Instant notBefore = created(job);
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
      Instant podStart = within(Instant.parse(pod.getStartTime()), notBefore, observedAt);
      Instant podEnd =
          pod.getFinishedAt() == null
              ? null
              : within(Instant.parse(pod.getFinishedAt()), podStart, observedAt);
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
        end =
            within(
                Instant.parse(memberJob.getStatus().getCompletionTime()),
                start == null ? notBefore : start,
                observedAt);
      } else if (end == null) {
        end = now;
      }
    } else {
      end = null;
    }
    return new MemberJobState(
        true, phase, new ArrayList<>(Arrays.asList(nodes)), start, end, gpuSeconds, message);
  }

  /** When the host created the AIJob, or null if unknown (nothing then bounds the start). */
  private static Instant created(AIJob job) {
    String created = job.getMetadata() == null ? null : job.getMetadata().getCreationTimestamp();
    return created == null ? null : Instant.parse(created);
  }

  /** The time, moved into [notBefore, notAfter] (an unknown bound bounds nothing). */
  private static Instant within(Instant time, Instant notBefore, Instant notAfter) {
    if (notBefore != null && time.isBefore(notBefore)) {
      return notBefore;
    }
    return time.isAfter(notAfter) ? notAfter : time;
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
