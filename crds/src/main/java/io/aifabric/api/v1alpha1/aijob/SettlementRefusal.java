package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * Why the oracles refused to settle the job, written by the relayer when enough of them refused it
 * under their own signatures that a batch lost its quorum. The job is left out of batches until
 * {@code retryAfter}; then it is audited again and, if the reason is gone (a receipt arrived, a
 * deposit was made), settled.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SettlementRefusal {
  /** The SettlementBatch whose oracles refused it (their reasons in full are there). */
  private String batch;

  /** The oracles' reasons for this job, one line each. */
  private List<String> reasons = new ArrayList<>();

  /** RFC 3339: from then on the job goes into a batch again. */
  private String retryAfter;
}
