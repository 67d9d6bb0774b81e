package io.aifabric.escrow;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * What a node's key signs to be registered to a provider: the node agrees to serve that provider on
 * this chain and registry. The nonce is the registry's count of the node's registrations, so a
 * signature registers the node once.
 */
public record NodeRegistration(String node, String provider, long nonce) {
  private static final byte[] TYPEHASH =
      Hash.sha3(
          "NodeRegistration(address node,address provider,uint64 nonce)"
              .getBytes(StandardCharsets.UTF_8));

  /** The EIP-712 digest under a NodeRegistry deployment's domain. */
  public byte[] digest(ContractDomain domain) {
    return domain.digest(
        Hash.sha3(
            AbiWords.concat(
                TYPEHASH,
                AbiWords.address(node),
                AbiWords.address(provider),
                AbiWords.uint(nonce))));
  }
}
