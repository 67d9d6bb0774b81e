package io.aifabric.api.v1alpha1.membercluster;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
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
   * Price per GPU-hour by GPU model (the GPU Feature Discovery product name, e.g.
   * NVIDIA-H100-80GB-HBM3), as a decimal string in the settlement token.
   */
  @Size(max = 64)
  @ValidationRule(
      value =
          "self.all(model, self[model].size() <= 32 && "
              + "self[model].matches('^[0-9]{1,12}([.][0-9]{1,18})?$') && self[model].matches('[1-9]'))",
      message = "every price per GPU-hour " + Formats.POSITIVE_AMOUNT_MESSAGE)
  private Map<String, String> pricePerGpuHour;
}
