package io.aifabric.escrow;

import io.aifabric.protocol.chain.ChainRegistration;

/**
 * What a node's key signs to be registered to a provider: the node agrees to serve that provider on
 * this chain and registry. The nonce is the registry's count of the node's registrations, so a
 * signature registers the node once. The encoding is the protocol's ({@link ChainRegistration}),
 * which node agents sign without a chain library.
 */
public record RegistrySignup(String node, String provider, long nonce) {
  /** The EIP-712 digest under a NodeRegistry deployment's domain. */
  public byte[] digest(ContractDomain domain) {
    return domain.digest(new ChainRegistration(node, provider, nonce).structHash());
  }
}
