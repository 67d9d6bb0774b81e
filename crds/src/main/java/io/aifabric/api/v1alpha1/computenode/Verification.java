package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** What the node agent measured, to compare with what the node claims. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Verification {
  private Integer measuredVramMiB;
  private Long benchmarkScore;

  /** How it was measured, e.g. cuda-alloc-fill or simulated. */
  private String method;

  private String verifiedAt;
}
