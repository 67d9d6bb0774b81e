package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** A case for slashing the node's provider, recorded with its evidence. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SlashingEvent {
  /** CamelCase reason, e.g. VramMismatch or DuplicateGpuUuid. */
  private String reason;

  private String message;
  private String time;

  /** Digest of the evidence (sha256:...). */
  private String evidence;
}
