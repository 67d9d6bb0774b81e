package io.aifabric.api.v1alpha1.nodereport;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.HashMap;
import java.util.Map;
import lombok.Data;

/**
 * A node's labels, its aifabric annotations, GPU capacity and readiness, and the GPUs in use on it
 * (by aifabric jobs, by job UID, and by everything else), as its member's agent read them.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeReportSpec {
  @Size(max = 256)
  private Map<String, String> labels = new HashMap<>();

  /** Only the node agent's annotations ({@code aifabric.io/...}): the rest is not the network's. */
  @Size(max = 16)
  @ValidationRule(
      value = "self.all(k, k.startsWith('aifabric.io/'))",
      message = "only aifabric.io/ annotations are reported")
  private Map<String, String> annotations = new HashMap<>();

  /** Resource name → quantity, as the Node's status.capacity says. */
  @Size(max = 64)
  private Map<String, String> capacity = new HashMap<>();

  @Size(max = 64)
  private Map<String, String> allocatable = new HashMap<>();

  /** The Node's Ready condition is True. */
  private boolean ready;

  /** The Node is cordoned (spec.unschedulable). */
  private boolean unschedulable;

  /** GPUs held on the node by pods that are not aifabric's. */
  private int gpusInUseByOthers;

  /** GPUs held on the node by aifabric jobs' pods, by the job's UID. */
  @Size(max = 256)
  private Map<String, Integer> gpusInUseByJob = new HashMap<>();
}
