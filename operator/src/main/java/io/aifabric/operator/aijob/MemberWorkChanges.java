package io.aifabric.operator.aijob;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import java.util.List;
import java.util.Objects;

/**
 * Which member updates change what an AIJob's status mirrors. A pod is updated many times on its
 * way to running (conditions, IPs, readiness); reconciling for each would multiply the host writes
 * of a burst for nothing the status shows.
 */
final class MemberWorkChanges {
  private MemberWorkChanges() {}

  static boolean podChanged(Pod now, Pod before) {
    return !Objects.equals(podSignature(now), podSignature(before));
  }

  static boolean jobChanged(Job now, Job before) {
    return !Objects.equals(jobSignature(now), jobSignature(before));
  }

  private static List<Object> podSignature(Pod pod) {
    var status = pod.getStatus();
    List<String> finished =
        status == null || status.getContainerStatuses() == null
            ? List.of()
            : status.getContainerStatuses().stream().map(MemberWorkChanges::finishedAt).toList();
    return List.of(
        String.valueOf(pod.getSpec() == null ? null : pod.getSpec().getNodeName()),
        String.valueOf(status == null ? null : status.getPhase()),
        String.valueOf(status == null ? null : status.getStartTime()),
        finished);
  }

  private static String finishedAt(ContainerStatus cs) {
    return cs.getState() == null || cs.getState().getTerminated() == null
        ? "-"
        : String.valueOf(cs.getState().getTerminated().getFinishedAt());
  }

  private static List<Object> jobSignature(Job job) {
    var status = job.getStatus();
    List<String> conditions =
        status == null || status.getConditions() == null
            ? List.of()
            : status.getConditions().stream().map(MemberWorkChanges::condition).toList();
    return List.of(String.valueOf(status == null ? null : status.getCompletionTime()), conditions);
  }

  private static String condition(JobCondition c) {
    return c.getType() + "=" + c.getStatus();
  }
}
