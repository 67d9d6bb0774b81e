package io.aifabric.api.v1alpha1.memberwork;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** One pod of the member Job: which replica, where, and when it ran. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportedPod {
  private String name;

  /** The pod's completion index (its replica). */
  private Integer index;

  private String nodeName;
  private String phase;
  private String startTime;

  /** When its last container ended; absent while any container runs. */
  private String finishedAt;
}
