package io.aifabric.api.v1alpha1.memberwork;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** One condition of the member Job, as its member shows it. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReportedJobCondition {
  private String type;
  private String status;
  private String reason;
  private String message;
}
