package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/**
 * The node key's signature of its NodeRegistry registration to a provider, as its agent published
 * it (checked against the node's registered key): what the provider submits on chain with {@code
 * aifabric register-node}.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ChainRegistrationSignature {
  private Long chainId;
  private String registry;
  private String provider;
  private Long nonce;

  /** 0x, 65 bytes r||s||v, over the registration's EIP-712 digest. */
  private String signature;
}
