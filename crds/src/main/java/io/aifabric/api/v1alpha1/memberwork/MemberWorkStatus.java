package io.aifabric.api.v1alpha1.memberwork;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/**
 * What the member's agent reports: whether the manifests are applied, and the member Job's and its
 * pods' state (what a push member's informers show the operator).
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberWorkStatus {
  private Long observedGeneration;

  @Size(max = 8)
  private List<Condition> conditions = new ArrayList<>();

  /** Whether the member Job exists (false once applied: it was deleted in the member). */
  private Boolean jobExists;

  /** The member Job's conditions (Complete, Failed, ...). */
  @Size(max = 16)
  private List<ReportedJobCondition> jobConditions = new ArrayList<>();

  private String completionTime;

  @Size(max = 1024)
  private List<ReportedPod> pods = new ArrayList<>();
}
