package io.aifabric.escrow;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * What the oracles sign to slash a provider for one of its node's misbehaviour: how much (wei), the
 * evidence's hash (each evidence slashes once) and until when the signatures count.
 */
public record SlashAttestation(
    String provider, String node, BigInteger amount, byte[] evidence, long deadline) {
  private static final byte[] TYPEHASH =
      Hash.sha3(
          "Slash(address provider,address node,uint256 amount,bytes32 evidence,uint64 deadline)"
              .getBytes(StandardCharsets.UTF_8));

  /** The EIP-712 digest under a NodeRegistry deployment's domain. */
  public byte[] digest(ContractDomain domain) {
    return domain.digest(
        Hash.sha3(
            AbiWords.concat(
                TYPEHASH,
                AbiWords.address(provider),
                AbiWords.address(node),
                AbiWords.uint(amount),
                AbiWords.bytes32(evidence),
                AbiWords.uint(deadline))));
  }
}
