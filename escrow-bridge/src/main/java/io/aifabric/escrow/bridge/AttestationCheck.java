package io.aifabric.escrow.bridge;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.RefusalMessage;
import java.util.Optional;
import org.web3j.utils.Numeric;

/**
 * Whether an answer filed under an oracle's address in a SettlementBatch is that oracle's: every
 * bridge's ServiceAccount can write every key of {@code status.attestations}, so the key proves
 * nothing and the signature everything. A signature must recover to the key it is filed under over
 * the batch's settlement digest; a refusal must carry a signature by the same key over its {@link
 * RefusalMessage}. Anything else — unsigned, signed by another key, for another batch — is not an
 * answer at all: the relayer does not count it, and the oracle it is filed under answers anew.
 */
public final class AttestationCheck {
  /** What a genuine answer says. */
  public enum Answer {
    SIGNED,
    REFUSED
  }

  private AttestationCheck() {}

  /**
   * @param oracle the address the answer is filed under (0x, any case)
   * @param batchDigest the batch's settlement digest ({@link BatchSpecs#digest})
   * @param domain the escrow's EIP-712 domain, which refusals are signed under too
   * @return what the oracle answered, or empty when the answer is not provably its own
   */
  public static Optional<Answer> verify(
      String oracle, Attestation answer, byte[] batchDigest, ContractDomain domain) {
    if (answer == null) {
      return Optional.empty();
    }
    if (answer.getSignature() != null) {
      return signedBy(oracle, batchDigest, answer.getSignature())
          ? Optional.of(Answer.SIGNED)
          : Optional.empty();
    }
    if (answer.getRefusalSignature() == null || answer.getRefusals().isEmpty()) {
      return Optional.empty();
    }
    byte[] refusalDigest;
    try {
      refusalDigest = BatchSpecs.refusalDigest(batchDigest, answer, domain);
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
    return signedBy(oracle, refusalDigest, answer.getRefusalSignature())
        ? Optional.of(Answer.REFUSED)
        : Optional.empty();
  }

  /** Whether a hex (r, s, v) signature over the digest recovers to the address. */
  public static boolean signedBy(String address, byte[] digest, String signature) {
    byte[] rsv;
    try {
      rsv = Numeric.hexStringToByteArray(signature);
    } catch (RuntimeException e) {
      return false;
    }
    return SignerRecovery.signer(digest, rsv).filter(s -> s.equalsIgnoreCase(address)).isPresent();
  }
}
