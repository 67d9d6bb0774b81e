package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** What a provider charges for one GPU of a model for one hour. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GpuPrice {
  /** GPU Feature Discovery product name (nvidia.com/gpu.product), e.g. NVIDIA-H100-80GB-HBM3. */
  @Required
  @Size(min = 1, max = 128)
  private String gpuModel;

  /** Decimal string in the settlement token, e.g. "2.40". */
  @Required
  @Size(max = 32)
  @ValidationRule(
      value = Formats.POSITIVE_AMOUNT_RULE,
      message = "pricePerGpuHour " + Formats.POSITIVE_AMOUNT_MESSAGE)
  private String pricePerGpuHour;
}
