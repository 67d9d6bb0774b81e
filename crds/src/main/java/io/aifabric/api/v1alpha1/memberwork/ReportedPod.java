package io.aifabric.api.v1alpha1.memberwork;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import lombok.Data;

/**
 * One pod of the member Job: which replica, where, and when it ran. What a pull member's agent
 * reports of each pod, and what the operator reads of a push member's pods: both come down to this,
 * so one summary of a job's state serves both modes.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportedPod {
  private String name;

  /** The pod's completion index (its replica). */
  private Integer index;

  private String nodeName;
  private String phase;
  private String startTime;

  /** When its last container ended; absent while any container runs. */
  private String finishedAt;

  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";

  /** What of a member Job's pod counts for its job's state. */
  public static ReportedPod of(Pod pod) {
    ReportedPod r = new ReportedPod();
    r.setName(pod.getMetadata().getName());
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String index = annotations == null ? null : annotations.get(COMPLETION_INDEX);
    try {
      r.setIndex(index == null ? null : Integer.valueOf(index));
    } catch (NumberFormatException e) {
      r.setIndex(null);
    }
    r.setNodeName(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
    if (pod.getStatus() != null) {
      r.setPhase(pod.getStatus().getPhase());
      r.setStartTime(pod.getStatus().getStartTime());
      r.setFinishedAt(finishedAt(pod.getStatus().getContainerStatuses()));
    }
    return r;
  }

  /** When the last container ended, or null while any has not. */
  private static String finishedAt(List<ContainerStatus> containers) {
    if (containers == null) {
      return null;
    }
    Instant latest = null;
    for (ContainerStatus cs : containers) {
      if (cs.getState() == null || cs.getState().getTerminated() == null) {
        return null;
      }
      String finished = cs.getState().getTerminated().getFinishedAt();
      if (finished != null) {
        Instant t = Instant.parse(finished);
        latest = latest == null || t.isAfter(latest) ? t : latest;
      }
    }
    return latest == null ? null : latest.toString();
  }
}
