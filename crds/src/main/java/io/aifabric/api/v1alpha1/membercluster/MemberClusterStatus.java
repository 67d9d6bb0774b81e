package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What the operator last observed of the member. Conditions: Reachable, Ready. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberClusterStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private String kubernetesVersion;
  private Integer nodeCount;
  private Integer gpuNodeCount;

  /** Sum of {@link #gpuCapacity} totals, for the printer column. */
  private Integer gpuTotal;

  private List<GpuCapacity> gpuCapacity = new ArrayList<>();

  /** RFC 3339 time of the last successful or failed probe. */
  private String lastProbeTime;
}
