package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.JobPhase;
import java.time.Instant;
import java.util.List;

/**
 * An AIJob's work as its member cluster shows it.
 *
 * @param exists whether the member Job exists (false: not dispatched yet, or deleted there)
 * @param nodes the node of each replica by completion index; null where not scheduled yet
 * @param gpuSeconds GPUs held times seconds, over every replica, up to now or to its end
 */
public record MemberJobState(
    boolean exists,
    JobPhase phase,
    List<String> nodes,
    Instant startTime,
    Instant endTime,
    long gpuSeconds,
    String message) {

  public static MemberJobState missing() {
    return new MemberJobState(false, JobPhase.Placed, List.of(), null, null, 0, "not dispatched");
  }
}
