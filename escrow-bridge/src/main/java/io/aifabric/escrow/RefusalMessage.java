package io.aifabric.escrow;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.crypto.Hash;

/**
 * An oracle's refusal of a settlement batch, signed like its signature would have been: the EIP-712
 * struct {@code Refusal(bytes32 batch,string[] jobs,string[] reasons)} under the escrow's domain,
 * where {@code batch} is the batch's settlement digest, {@code jobs} the UIDs of the jobs refused
 * and {@code reasons} one line per refusal. No contract checks it; every bridge does, so that a
 * refusal counts only for the oracle that signed it: one oracle can no longer refuse in the others'
 * names and block a batch alone. The type differs from the settlement's, so a refusal can never be
 * passed off as a signature over the batch, or the other way round.
 */
public record RefusalMessage(byte[] batchDigest, List<String> jobUids, List<String> reasons) {
  private static final byte[] TYPEHASH =
      keccak("Refusal(bytes32 batch,string[] jobs,string[] reasons)");

  public RefusalMessage {
    if (batchDigest == null || batchDigest.length != 32) {
      throw new IllegalArgumentException("a refusal names the 32-byte digest of its batch");
    }
    jobUids = List.copyOf(jobUids);
    reasons = List.copyOf(reasons);
    if (reasons.isEmpty()) {
      throw new IllegalArgumentException("a refusal gives at least one reason");
    }
  }

  /** What the oracle signs: the EIP-712 digest of this refusal under the escrow's domain. */
  public byte[] digest(ContractDomain domain) {
    return domain.digest(
        Hash.sha3(
            AbiWords.concat(TYPEHASH, batchDigest, stringArray(jobUids), stringArray(reasons))));
  }

  /** EIP-712's encoding of a {@code string[]}: keccak over the keccak of each element. */
  private static byte[] stringArray(List<String> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    items.forEach(item -> out.writeBytes(keccak(item)));
    return Hash.sha3(out.toByteArray());
  }

  private static byte[] keccak(String text) {
    return Hash.sha3(text.getBytes(StandardCharsets.UTF_8));
  }
}
