package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberClusterSpec {
  /** Secret on the host holding the member's kubeconfig (push mode). */
  @Required private SecretKeyRef kubeconfigSecretRef;

  /** Region of the data center, e.g. eu-west-1; matched by AIJob placement.regions. */
  @Required
  @Size(min = 1, max = 63)
  private String region;

  private String zone;

  /** Where the provider is paid: an Ethereum address. */
  @Required
  @Size(max = 42)
  @ValidationRule(value = Formats.WALLET_RULE, message = Formats.WALLET_MESSAGE)
  private String providerWallet;

  /**
   * Where the member's jobs put their sealed outputs. A member without one runs no job that asks
   * for sealed outputs (spec.encryption).
   */
  private ObjectStore objectStore;

  /** Price per GPU-hour of each GPU model the provider offers; one entry per model. */
  @Size(max = 64)
  @ValidationRule(
      value = "self.all(p, self.exists_one(q, q.gpuModel == p.gpuModel))",
      message = "pricing lists a gpuModel more than once: give each GPU model one price")
  private List<GpuPrice> pricing = new ArrayList<>();
}
