package io.aifabric.protocol.chain;

import io.aifabric.protocol.Keccak256;
import java.math.BigInteger;

/**
 * What a node's key signs to be registered to a provider in NodeRegistry: {@code
 * NodeRegistration(address node, address provider, uint64 nonce)} under the registry's EIP-712
 * domain ("aifabric NodeRegistry", version "1", chain id, registry address). The nonce is the
 * registry's count of the node's registrations, so one signature registers the node once, to that
 * provider, on that chain and registry.
 */
public record ChainRegistration(String node, String provider, long nonce) {
  public static final String REGISTRY_NAME = "aifabric NodeRegistry";
  public static final String VERSION = "1";
  private static final byte[] TYPEHASH =
      Eip712.keccak("NodeRegistration(address node,address provider,uint64 nonce)");

  public ChainRegistration {
    Eip712.address(node);
    Eip712.address(provider);
    if (nonce < 0) {
      throw new IllegalArgumentException("a registration nonce is not negative");
    }
  }

  /** The struct hash, for any domain. */
  public byte[] structHash() {
    return Keccak256.hash(
        TYPEHASH,
        Eip712.address(node),
        Eip712.address(provider),
        Eip712.uint(BigInteger.valueOf(nonce)));
  }

  /** The digest the node signs for the registry at {@code registry} on chain {@code chainId}. */
  public byte[] digest(long chainId, String registry) {
    return Eip712.digest(Eip712.separator(REGISTRY_NAME, VERSION, chainId, registry), structHash());
  }
}
