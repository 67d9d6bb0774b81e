package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/** Outputs are sealed (HPKE) to this key on the node, so only the user can read them. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Encryption {
  @Required
  @Size(max = 44)
  @ValidationRule(
      value = Formats.X25519_KEY_RULE,
      message = "userPublicKey " + Formats.X25519_KEY_MESSAGE)
  private String userPublicKey;
}
