package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * One oracle's answer to a batch: a signature, or a refusal with the jobs and reasons, itself
 * signed by the oracle. Any bridge may write any key of the map, so an answer counts only when its
 * signature recovers to the address it is filed under.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Attestation {
  /** 65 bytes (r, s, v), 0x hex: the oracle's EIP-712 signature over the batch. */
  private String signature;

  /** Why the oracle refused, one line per job it could not vouch for. */
  private List<String> refusals = new ArrayList<>();

  /** UIDs of the jobs it refused. */
  private List<String> refusedJobs = new ArrayList<>();

  /**
   * 65 bytes (r, s, v), 0x hex: the oracle's EIP-712 signature over {@code Refusal(batch digest,
   * refusedJobs, refusals)}. A refusal without it, or signed by another key, counts for nothing.
   */
  private String refusalSignature;

  /**
   * For an epoch's rewards: the root of the table this oracle counted itself (0x, 32 bytes), which
   * its signature covers. Absent for anything else.
   */
  private String root;

  /** For an epoch's rewards: the sum of the scores in that table. */
  private Long totalScore;

  private String at;
}
