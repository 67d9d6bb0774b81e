package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.Data;

/** Proof-of-Availability for the current epoch, written at a bounded rate. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Availability {
  private String lastHeartbeat;

  /** Sequence number of the last accepted heartbeat: older ones stay refused after a restart. */
  private Long lastSequence;

  private Long epoch;

  /** Uptime ratio of the current epoch so far, in parts per million. */
  private Integer epochUptimePpm;

  /**
   * Heartbeats counted in the current epoch (at most one per heartbeat interval): a restarted
   * operator continues the epoch from it.
   */
  private Integer epochHeartbeats;

  /** Score 0–255 for the last completed epoch, as in Ratio1's PoA. */
  @Min(0)
  @Max(255)
  private Integer score;
}
