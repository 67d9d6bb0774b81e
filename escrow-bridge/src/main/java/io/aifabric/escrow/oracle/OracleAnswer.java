package io.aifabric.escrow.oracle;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.ChainSubmissionStatus;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.bridge.AttestationCheck;
import io.aifabric.escrow.bridge.BatchSpecs;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.SubmissionStatusPatch;
import io.aifabric.protocol.Hex;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.web3j.crypto.ECKeyPair;

/**
 * How an oracle answers anything it is asked to attest (a settlement batch, a slash): once, under
 * its own address. Its EIP-712 signature over the digest when its own audit finds nothing to
 * refuse; otherwise the refusals, one line per item it could not vouch for, signed too, so that no
 * one can refuse in its name. An answer filed under its address that it did not sign (any bridge
 * can write one) counts for nothing, and is replaced with its own.
 */
public final class OracleAnswer {
  private static final Logger LOG = Logger.getLogger(OracleAnswer.class);

  /** What an oracle's answer is counted as: {@code result} of its attestations metric. */
  private static final String SIGNED = "signed";

  private static final String REFUSED = "refused";
  private static final String FORGED_REPLACED = "forged_replaced";

  /**
   * Registers an attestations counter at 0 for every result, so a dashboard shows a quiet network's
   * zeros rather than "no data".
   */
  public static void registerResults(MeterRegistry metrics, String counter) {
    for (String result : List.of(SIGNED, REFUSED, FORGED_REPLACED)) {
      metrics.counter(counter, "result", result);
    }
  }

  /**
   * What an oracle's own audit found: why it will not sign, the ids of what it refused, and — when
   * it signs — what the answer states beside the signature that the signature covers (an epoch's
   * root and total, which each oracle counted itself).
   */
  public record Findings(
      List<String> refusals, List<String> refusedItems, Consumer<Attestation> statement) {
    public Findings(List<String> refusals, List<String> refusedItems) {
      this(refusals, refusedItems, answer -> {});
    }
  }

  /** What an answer's signature covers, given what the answer itself states. */
  @FunctionalInterface
  public interface Digest {
    /**
     * @throws IllegalArgumentException when the answer states something that cannot be signed
     */
    byte[] of(Attestation answer);
  }

  /** The oracle's own audit of what it is asked to sign. */
  @FunctionalInterface
  public interface Audit {
    Findings run() throws Exception;
  }

  private OracleAnswer() {}

  /**
   * Why an oracle may not sign this at all: for another chain or contract than it signs for,
   * expired, or valid for longer than it lets a signature stay valid (a leaked one must not stay
   * usable).
   *
   * @param what what is asked ("batch", "slash")
   * @param role the contract's role ("escrow", "registry")
   */
  public static List<String> whereAndWhen(
      String what,
      long chainId,
      long ownChainId,
      String role,
      String contract,
      String ownContract,
      long deadline,
      long now,
      Duration maxLifetime) {
    List<String> refusals = new ArrayList<>();
    if (chainId != ownChainId) {
      refusals.add(
          "the " + what + " is for chain " + chainId + "; this oracle signs for " + ownChainId);
    }
    if (!ownContract.equalsIgnoreCase(contract)) {
      refusals.add("the " + what + " is for " + role + " " + contract + ", not " + ownContract);
    }
    if (deadline <= now) {
      refusals.add("the " + what + " expired at " + deadline);
    } else if (deadline - now > maxLifetime.toSeconds()) {
      refusals.add(
          "the "
              + what
              + "'s deadline is more than "
              + maxLifetime
              + " away; a signature must not stay valid that long");
    }
    return refusals;
  }

  /**
   * Files the oracle's answer unless it answered already.
   *
   * @param count counts the outcome (signed, refused, forged_replaced)
   * @return the resource as written, or as given when it had answered
   */
  public static <T extends CustomResource<?, ? extends ChainSubmissionStatus>> T file(
      KubernetesClient client,
      T resource,
      String oracle,
      ECKeyPair key,
      byte[] digest,
      ContractDomain domain,
      Audit audit,
      BridgeEvents events,
      Consumer<String> count)
      throws Exception {
    return file(client, resource, oracle, key, answer -> digest, domain, audit, events, count);
  }

  /**
   * Files the oracle's answer unless it answered already, where what it signs depends on what its
   * answer states ({@link Findings#statement}).
   *
   * @param count counts the outcome (signed, refused, forged_replaced)
   * @return the resource as written, or as given when it had answered
   */
  public static <T extends CustomResource<?, ? extends ChainSubmissionStatus>> T file(
      KubernetesClient client,
      T resource,
      String oracle,
      ECKeyPair key,
      Digest digestOf,
      ContractDomain domain,
      Audit audit,
      BridgeEvents events,
      Consumer<String> count)
      throws Exception {
    String what = resource.getKind() + " " + resource.getMetadata().getName();
    ChainSubmissionStatus status = resource.getStatus();
    Attestation filed = status == null ? null : status.getAttestations().get(oracle);
    if (filed != null) {
      if (verify(oracle, filed, digestOf, domain)) {
        return resource; // answered already
      }
      LOG.warnf(
          "%s: the answer filed under oracle %s is not signed by it; answering anew", what, oracle);
      events.record(
          resource,
          BridgeEvents.WARNING,
          "ForgedAttestation",
          "an answer not signed by oracle " + oracle + " was filed under its address; replaced");
      count.accept(FORGED_REPLACED);
    }
    Findings findings = audit.run();
    Attestation answer = new Attestation();
    answer.setAt(Instant.now().toString());
    if (findings.refusals().isEmpty()) {
      findings.statement().accept(answer);
      answer.setSignature(Hex.encode(OracleSignatures.sign(digestOf.of(answer), key).rsv()));
      events.record(resource, BridgeEvents.NORMAL, "Attested", "oracle " + oracle + " signed");
      count.accept(SIGNED);
    } else {
      answer.setRefusals(List.copyOf(findings.refusals()));
      answer.setRefusedJobs(List.copyOf(findings.refusedItems()));
      byte[] refusal = BatchSpecs.refusalDigest(digestOf.of(answer), answer, domain);
      answer.setRefusalSignature(Hex.encode(OracleSignatures.sign(refusal, key).rsv()));
      String reasons = String.join("; ", findings.refusals());
      events.record(
          resource,
          BridgeEvents.WARNING,
          "AttestationRefused",
          "oracle " + oracle + " refused: " + reasons);
      LOG.warnf("oracle %s refused %s: %s", oracle, what, reasons);
      count.accept(REFUSED);
    }
    return SubmissionStatusPatch.attest(client, resource, oracle, answer);
  }

  private static boolean verify(
      String oracle, Attestation filed, Digest digestOf, ContractDomain domain) {
    try {
      return AttestationCheck.verify(oracle, filed, digestOf.of(filed), domain).isPresent();
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }
}
