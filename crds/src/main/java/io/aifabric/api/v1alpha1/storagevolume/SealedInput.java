package io.aifabric.api.v1alpha1.storagevolume;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * One input file or directory, sealed by the user to the volume's {@code encryptionKey} (the CLI's
 * {@code aifabric seal} and {@code aifabric upload}) and stored as ciphertext where the user put
 * it. Only nodes the user grants its key to can open it.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SealedInput {
  /** The input's name in the volume: it is opened at {@code <mountPath>/<name>}. */
  @Required
  @Size(min = 1, max = 63)
  @ValidationRule(
      value = "self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
      message = "an input name is a DNS label: lowercase letters, digits and '-'")
  private String name;

  /** Where the sealed bytes are, readable without a credential (they are ciphertext). */
  @Required
  @Size(max = 2048)
  @ValidationRule(
      value = "self.matches('^https?://[^\\\\s]+$')",
      message = "an input's url is an http(s) URL of the sealed object")
  private String url;

  /** SHA-256 of the sealed bytes (0x and 64 hex digits), which every reader checks. */
  @Required
  @Size(max = 66)
  @ValidationRule(
      value = Formats.BYTES32_RULE,
      message =
          "contentAddress is 0x and 64 lowercase hex digits (the SHA-256 of the sealed bytes)")
  private String contentAddress;

  /** Size of the sealed bytes. */
  @Required
  @ValidationRule(value = "self >= 0", message = "sealedBytes is not negative")
  private Long sealedBytes;
}
