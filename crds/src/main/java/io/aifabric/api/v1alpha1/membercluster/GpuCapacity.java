package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** GPU capacity of one model in a member cluster. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuCapacity {
  /** GPU Feature Discovery product name (label nvidia.com/gpu.product). */
  private String model;

  private Integer memoryMiB;
  private Integer total;
  private Integer allocatable;
  private Integer inUse;
}
