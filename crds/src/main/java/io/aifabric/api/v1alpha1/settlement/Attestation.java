package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** One oracle's answer to a batch: a signature, or a refusal with the jobs and reasons. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Attestation {
  /** 65 bytes (r, s, v), 0x hex: the oracle's EIP-712 signature over the batch. */
  private String signature;

  /** Why the oracle refused, one line per job it could not vouch for. */
  private List<String> refusals = new ArrayList<>();

  /** UIDs of the jobs it refused. */
  private List<String> refusedJobs = new ArrayList<>();

  private String at;
}
