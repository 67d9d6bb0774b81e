package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.bridge.AttestationCheck;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.utils.Numeric;

/**
 * The oracles' answers filed in a status, as the relayer counts them: only answers provably their
 * oracle's ({@link AttestationCheck}) from oracles the contract counts now; the others are logged,
 * counted and ignored.
 */
public final class OracleAnswers {
  private static final Logger LOG = Logger.getLogger(OracleAnswers.class);

  /** Whether the contract counts an address's signatures now. */
  @FunctionalInterface
  public interface OracleSet {
    boolean counts(String address) throws Exception;
  }

  private final Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> genuine;

  private OracleAnswers(
      Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> genuine) {
    this.genuine = genuine;
  }

  /**
   * @param digest what the oracles sign
   * @param domain the contract's domain, which refusals are signed under too
   * @param forged called once for each answer that is not its oracle's
   */
  public static OracleAnswers of(
      Map<String, Attestation> filed,
      byte[] digest,
      ContractDomain domain,
      OracleSet oracles,
      Runnable forged)
      throws Exception {
    Map<AttestationCheck.Answer, List<Map.Entry<String, Attestation>>> genuine =
        new EnumMap<>(AttestationCheck.Answer.class);
    for (Map.Entry<String, Attestation> a : filed.entrySet()) {
      Optional<AttestationCheck.Answer> answer =
          AttestationCheck.verify(a.getKey(), a.getValue(), digest, domain);
      if (answer.isEmpty()) {
        LOG.warnf(
            "the answer filed under %s is not signed by it for this digest; ignored", a.getKey());
        forged.run();
      } else if (oracles.counts(a.getKey())) {
        genuine.computeIfAbsent(answer.get(), k -> new ArrayList<>()).add(a);
      }
    }
    return new OracleAnswers(genuine);
  }

  /** The valid signatures, by ascending signer (the order the contracts demand). */
  public List<OracleSignatures.Signed> signatures() {
    List<OracleSignatures.Signed> valid = new ArrayList<>();
    for (Map.Entry<String, Attestation> a :
        genuine.getOrDefault(AttestationCheck.Answer.SIGNED, List.of())) {
      valid.add(
          new OracleSignatures.Signed(
              a.getKey().toLowerCase(Locale.ROOT),
              Numeric.hexStringToByteArray(a.getValue().getSignature())));
    }
    valid.sort(Comparator.comparing(v -> Numeric.toBigInt(v.signer())));
    return valid;
  }

  /**
   * The refusals made under the oracles' own signatures. Unsigned refusals, and refusals filed
   * under one oracle but signed by another, count for nothing: one oracle cannot refuse in the
   * others' names.
   */
  public List<Attestation> refusals() {
    return genuine.getOrDefault(AttestationCheck.Answer.REFUSED, List.of()).stream()
        .map(Map.Entry::getValue)
        .toList();
  }
}
