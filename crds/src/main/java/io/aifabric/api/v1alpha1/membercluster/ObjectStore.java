package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import lombok.Data;

/**
 * The member's S3-compatible object store, where its jobs' sealed outputs go. Sealed outputs are
 * ciphertext that only the user's key opens, so the bucket serves reads to anyone (the oracles
 * check that a receipted output is there; the user fetches it); writes need a credential, which
 * stays on the host: the operator presigns one PUT per replica, valid for that object only, and
 * hands it to the replica's sealing sidecar.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ObjectStore {
  /** The S3 API as the oracles and users reach it, e.g. https://s3.dc-eu.example.com. */
  @Required
  @Size(max = 253)
  @ValidationRule(
      value = "self.matches('^https?://[^/?#\\\\s]+$')",
      message = "endpoint must be http(s)://host[:port], without a path")
  private String endpoint;

  /**
   * The S3 API as the member's pods reach it, when that differs (an in-cluster Service name);
   * uploads are presigned for this address. Defaults to endpoint.
   */
  @Size(max = 253)
  @ValidationRule(
      value = "self.matches('^https?://[^/?#\\\\s]+$')",
      message = "uploadEndpoint must be http(s)://host[:port], without a path")
  private String uploadEndpoint;

  /** The bucket sealed outputs go to (S3 bucket naming rules). */
  @Required
  @Size(min = 3, max = 63)
  @Pattern("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
  private String bucket;

  /** The region the store signs requests for. */
  @Default("us-east-1")
  @Size(min = 1, max = 63)
  private String region;

  /**
   * A Secret on the host with the store's credential (keys accessKeyId and secretAccessKey): the
   * operator signs uploads with it and never sends it anywhere. Scope it to the bucket.
   */
  @Required private SecretRef credentialsSecretRef;
}
