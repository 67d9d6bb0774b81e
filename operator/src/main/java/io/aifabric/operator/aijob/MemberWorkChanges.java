package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
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

  /** Whether what the job's state reads of a pod ({@link ReportedPod}) changed. */
  static boolean podChanged(Pod now, Pod before) {
    return !ReportedPod.of(now).equals(ReportedPod.of(before));
  }

  static boolean jobChanged(Job now, Job before) {
    return !Objects.equals(jobSignature(now), jobSignature(before));
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
