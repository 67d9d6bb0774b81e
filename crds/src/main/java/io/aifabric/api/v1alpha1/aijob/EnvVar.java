package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/** A plain environment variable; secrets are sealed inputs, never env values on the host. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvVar {
  @Required
  @Size(min = 1, max = 128)
  @Pattern("^[A-Za-z_][A-Za-z0-9_]*$")
  private String name;

  @Size(max = 4096)
  private String value;
}
