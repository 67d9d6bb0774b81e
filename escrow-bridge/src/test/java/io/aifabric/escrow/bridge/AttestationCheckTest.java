package io.aifabric.escrow.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.escrow.SettlementMessage;
import io.aifabric.protocol.Hex;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;

/**
 * Whose answer an attestation is: every bridge can write every key of a batch's attestations, so
 * what counts is who signed. Real secp256k1 keys; one oracle ("mallory") tries to answer for
 * another ("alice").
 */
class AttestationCheckTest {
  private static final ContractDomain DOMAIN =
      ContractDomain.jobEscrow(31337, "0x5fbdb2315678afecb367f032d93f642f64180aa3");
  private static final byte[] BATCH =
      new SettlementMessage(4, 1_900_000_000L, List.of(new SettlementEntry(7, 1, 1_000)))
          .digest(DOMAIN);
  private static final byte[] OTHER_BATCH =
      new SettlementMessage(5, 1_900_000_000L, List.of(new SettlementEntry(7, 1, 1_000)))
          .digest(DOMAIN);

  private final ECKeyPair alice = key();
  private final ECKeyPair mallory = key();

  @Test
  void anOraclesOwnSignatureAndOwnSignedRefusalAreItsAnswers() {
    assertThat(AttestationCheck.verify(address(alice), signature(alice, BATCH), BATCH, DOMAIN))
        .contains(AttestationCheck.Answer.SIGNED);
    assertThat(AttestationCheck.verify(address(alice), refusal(alice, BATCH), BATCH, DOMAIN))
        .contains(AttestationCheck.Answer.REFUSED);
  }

  @Test
  void aRefusalWithoutSignatureIsNoAnswer() {
    Attestation unsigned = refusal(alice, BATCH);
    unsigned.setRefusalSignature(null);
    assertThat(AttestationCheck.verify(address(alice), unsigned, BATCH, DOMAIN)).isEmpty();
  }

  @Test
  void aRefusalSignedByAnotherOracleFiledUnderAlicesAddressIsNoAnswer() {
    assertThat(AttestationCheck.verify(address(alice), refusal(mallory, BATCH), BATCH, DOMAIN))
        .isEmpty();
  }

  @Test
  void aSignatureByAnotherOracleFiledUnderAlicesAddressIsNoAnswer() {
    assertThat(AttestationCheck.verify(address(alice), signature(mallory, BATCH), BATCH, DOMAIN))
        .isEmpty();
  }

  @Test
  void alicesRefusalOfAnotherBatchIsNoAnswerToThisOne() {
    assertThat(AttestationCheck.verify(address(alice), refusal(alice, OTHER_BATCH), BATCH, DOMAIN))
        .isEmpty();
    assertThat(
            AttestationCheck.verify(address(alice), signature(alice, OTHER_BATCH), BATCH, DOMAIN))
        .isEmpty();
  }

  @Test
  void alicesRefusalWithJobsOrReasonsChangedAfterSigningIsNoAnswer() {
    Attestation moreJobs = refusal(alice, BATCH);
    moreJobs.setRefusedJobs(List.of("job-1", "job-2"));
    assertThat(AttestationCheck.verify(address(alice), moreJobs, BATCH, DOMAIN)).isEmpty();

    Attestation otherReason = refusal(alice, BATCH);
    otherReason.setRefusals(List.of("team/job-1: <script>alert(1)</script>"));
    assertThat(AttestationCheck.verify(address(alice), otherReason, BATCH, DOMAIN)).isEmpty();
  }

  @Test
  void aRefusalSignedUnderAnotherDeploymentsDomainIsNoAnswer() {
    ContractDomain elsewhere =
        ContractDomain.jobEscrow(1, "0x5fbdb2315678afecb367f032d93f642f64180aa3");
    Attestation refusal = refusal(alice, BATCH);
    assertThat(AttestationCheck.verify(address(alice), refusal, BATCH, elsewhere)).isEmpty();
  }

  @Test
  void aMalformedSignatureIsNoAnswer() {
    Attestation garbage = new Attestation();
    garbage.setSignature("0xnot-hex");
    assertThat(AttestationCheck.verify(address(alice), garbage, BATCH, DOMAIN)).isEmpty();
    garbage.setSignature("0x" + "00".repeat(65));
    assertThat(AttestationCheck.verify(address(alice), garbage, BATCH, DOMAIN)).isEmpty();
  }

  private static Attestation signature(ECKeyPair key, byte[] batch) {
    Attestation a = new Attestation();
    a.setSignature(Hex.encode(OracleSignatures.sign(batch, key).rsv()));
    return a;
  }

  private static Attestation refusal(ECKeyPair key, byte[] batch) {
    Attestation a = new Attestation();
    a.setRefusedJobs(List.of("job-1"));
    a.setRefusals(List.of("team/job-1: replica 0 has no receipt from dc-1.gpu-0"));
    a.setRefusalSignature(
        Hex.encode(OracleSignatures.sign(BatchSpecs.refusalDigest(batch, a, DOMAIN), key).rsv()));
    return a;
  }

  private static String address(ECKeyPair key) {
    return "0x" + Keys.getAddress(key);
  }

  private static ECKeyPair key() {
    try {
      return Keys.createEcKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
