package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The node's GPUs, named after the GPU Feature Discovery labels where they exist. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuInventory {
  /** nvidia.com/gpu.product, e.g. NVIDIA-H100-80GB-HBM3. */
  private String product;

  /** nvidia.com/gpu.memory, in MiB per GPU. */
  private Integer memoryMiB;

  /** nvidia.com/gpu.count. */
  private Integer count;

  private List<String> uuids = new ArrayList<>();
  private String driverVersion;
  private String cudaVersion;
}
