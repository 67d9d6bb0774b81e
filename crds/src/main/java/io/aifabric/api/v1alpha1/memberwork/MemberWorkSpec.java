package io.aifabric.api.v1alpha1.memberwork;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** The AIJob the work is for, and the objects to create in the member, in order. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self == oldSelf", message = "a MemberWork's spec never changes")
public class MemberWorkSpec {
  @Required private String jobUid;
  @Required private String jobNamespace;
  @Required private String jobName;

  /**
   * Kubernetes objects (Namespace, Service, Job, Secret), each created if absent under its
   * deterministic name: applying twice, or after a crash, creates nothing twice.
   */
  @Required
  @Size(min = 1, max = 8)
  private List<io.fabric8.kubernetes.api.model.GenericKubernetesResource> manifests =
      new ArrayList<>();
}
