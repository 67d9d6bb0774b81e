package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** Where the job was paid on chain. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Settlement {
  private String batch;
  private String txHash;
  private Long blockNumber;
}
