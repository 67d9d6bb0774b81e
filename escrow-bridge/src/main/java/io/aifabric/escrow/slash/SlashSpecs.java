package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.escrow.SlashAttestation;
import io.aifabric.escrow.bridge.RegistryChain;
import java.math.BigInteger;
import org.web3j.utils.Numeric;

/** A Slash's spec as the EIP-712 message the oracles sign and the registry checks. */
final class SlashSpecs {
  private SlashSpecs() {}

  /**
   * @throws IllegalArgumentException when a field cannot be what the registry takes
   */
  static SlashAttestation attestation(SlashSpec spec) {
    try {
      return new SlashAttestation(
          spec.getProvider(),
          spec.getNode(),
          new BigInteger(spec.getAmount()),
          Numeric.hexStringToByteArray(spec.getEvidence()),
          spec.getDeadline());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a slash the registry takes: " + e.getMessage(), e);
    }
  }

  /** The digest to sign, under the domain of the registry this bridge was configured with. */
  static byte[] digest(SlashSpec spec, RegistryChain registry) {
    return attestation(spec).digest(registry.domain());
  }

  static byte[] evidence(SlashSpec spec) {
    return Numeric.hexStringToByteArray(spec.getEvidence());
  }
}
