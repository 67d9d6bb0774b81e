package io.aifabric.api.v1alpha1.storagevolume;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageVolumeSpec {
  /** Capacity, a Kubernetes quantity such as 100Gi. */
  @Required
  @ValidationRule(
      value = "quantity(string(self)).isGreaterThan(quantity('0'))",
      message = "size must be a positive quantity such as 100Gi")
  private Quantity size;

  @Default("ReadWriteOnce")
  private AccessMode accessMode = AccessMode.ReadWriteOnce;

  /** Member clusters where the volume is claimed; empty means wherever a job using it runs. */
  @Size(max = 64)
  private List<String> clusters = new ArrayList<>();

  /** The user's X25519 key that content is sealed to before it is stored. */
  @Size(max = 44)
  @ValidationRule(
      value = Formats.X25519_KEY_RULE,
      message = "encryptionKey " + Formats.X25519_KEY_MESSAGE)
  private String encryptionKey;
}
