package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * The payload key of one sealed volume input, sealed by the user (with {@code aifabric grant}) to
 * one placed node's registered X25519 key, bound to this job, that node and the input's content
 * address: only that node can open it, and only for this job.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class InputGrant {
  /** The ComputeNode (member.node) the grant is sealed to. */
  @Required
  @Size(min = 1, max = 253)
  private String node;

  /** The StorageVolume the input belongs to. */
  @Required
  @Size(min = 1, max = 253)
  private String volume;

  /** The input's name in the volume. */
  @Required
  @Size(min = 1, max = 63)
  private String input;

  /** The sealed key, base64 (a version-1 key grant: 81 bytes). */
  @Required
  @Size(max = 200)
  @ValidationRule(value = "self.matches('^[A-Za-z0-9+/]+={0,2}$')", message = "a grant is base64")
  private String grant;
}
