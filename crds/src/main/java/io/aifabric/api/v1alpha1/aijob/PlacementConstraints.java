package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** Where the job may run. Every constraint left out accepts everything. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PlacementConstraints {
  /** Accepted MemberCluster regions. */
  @Size(max = 32)
  private List<String> regions = new ArrayList<>();

  /** Lowest node tier accepted (0–3). */
  @Min(0)
  @Max(3)
  private Integer minTier;

  /** Lowest Proof-of-Availability score accepted (0–255). */
  @Min(0)
  @Max(255)
  private Integer minAvailabilityScore;

  /** Highest price per GPU-hour the user pays, a decimal string in the settlement token. */
  @Size(max = 32)
  @ValidationRule(
      value = Formats.POSITIVE_AMOUNT_RULE,
      message = "maxPricePerGpuHour " + Formats.POSITIVE_AMOUNT_MESSAGE)
  private String maxPricePerGpuHour;

  /** Selects MemberClusters by their labels. */
  private LabelSelector clusterSelector;
}
