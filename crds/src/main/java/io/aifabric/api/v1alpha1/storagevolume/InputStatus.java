package io.aifabric.api.v1alpha1.storagevolume;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** A sealed input as the operator accepted it: its content address, so any copy can be checked. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InputStatus {
  private String name;

  /** SHA-256 of the sealed bytes, 0x and 64 hex digits. */
  private String contentAddress;

  private Long sealedBytes;
}
