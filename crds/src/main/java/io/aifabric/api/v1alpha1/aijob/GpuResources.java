package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** What each replica needs. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuResources {
  /** GPUs per replica; all of a replica's GPUs are on one node. */
  @Required
  @ValidationRule(
      value = "self >= 1 && self <= 64",
      message = "gpusPerReplica must be between 1 and 64 (the GPUs of one node)")
  private Integer gpusPerReplica;

  /**
   * GPU models accepted (GPU Feature Discovery product names, e.g. NVIDIA-H100-80GB-HBM3); empty
   * accepts any model that meets {@link #minGpuMemoryMiB}.
   */
  @Size(max = 16)
  private List<String> gpuModels = new ArrayList<>();

  /** Minimum memory per GPU, in MiB. */
  @Min(0)
  private Integer minGpuMemoryMiB;

  private Quantity cpu;
  private Quantity memory;
}
