package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.AllArgsConstructor;
import lombok.Data;
import lombok.NoArgsConstructor;

/** A Secret on the host cluster, read as a whole. */
@Data
@NoArgsConstructor
@AllArgsConstructor
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretRef {
  @Required
  @Size(min = 1, max = 253)
  private String name;

  @Required
  @Size(min = 1, max = 63)
  private String namespace;
}
