package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.mode == 'Pull' ? !has(self.kubeconfigSecretRef) : has(self.kubeconfigSecretRef)",
    message =
        "a Push member needs kubeconfigSecretRef (the Secret holding its kubeconfig); a Pull member"
            + " has none: the host holds no credential for it, its agent dials out")
public class MemberClusterSpec {
  /**
   * Push (the host holds the member's kubeconfig) or Pull (the member's agent dials out to the
   * host). Fixed once joined: to change it, delete the MemberCluster and join again.
   */
  @Default("Push")
  @ValidationRule(
      value = "self == oldSelf",
      message = "mode cannot change: delete the MemberCluster and join the member again")
  private MemberMode mode;

  /** Secret on the host holding the member's kubeconfig (Push only). */
  private SecretKeyRef kubeconfigSecretRef;

  /** Whether the member's agent dials out to the host (an unset mode is Push). */
  @JsonIgnore
  public boolean isPullMode() {
    return mode == MemberMode.Pull;
  }

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
