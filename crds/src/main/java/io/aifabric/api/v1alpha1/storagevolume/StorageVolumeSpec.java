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
@ValidationRule(
    value = "!has(self.inputs) || size(self.inputs) == 0 || has(self.encryptionKey)",
    message = "sealed inputs need the encryptionKey they are sealed to")
@ValidationRule(
    value = "!has(self.inputs) || size(self.inputs) == 0 || self.accessMode != 'ReadOnlyMany'",
    message =
        "a volume with sealed inputs is opened into on the node, so it cannot be ReadOnlyMany")
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

  /** The user's X25519 key that the volume's sealed inputs are sealed to. */
  @Size(max = 44)
  @ValidationRule(
      value = Formats.X25519_KEY_RULE,
      message = "encryptionKey " + Formats.X25519_KEY_MESSAGE)
  private String encryptionKey;

  /**
   * Input files sealed to {@code encryptionKey}, each opened into the volume on the nodes of a job
   * that mounts it, once the user has granted those nodes its key.
   */
  @Size(max = 32)
  @ValidationRule(
      value = "self.all(i, self.exists_one(j, j.name == i.name))",
      message = "input names are unique in a volume")
  private List<SealedInput> inputs = new ArrayList<>();
}
