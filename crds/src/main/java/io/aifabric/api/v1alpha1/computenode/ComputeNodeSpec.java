package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ComputeNodeSpec {
  /** Name of the MemberCluster the node belongs to. */
  @Required
  @Size(min = 1, max = 253)
  private String cluster;

  /** Name of the Node object in the member cluster. */
  @Required
  @Size(min = 1, max = 253)
  private String nodeName;
}
