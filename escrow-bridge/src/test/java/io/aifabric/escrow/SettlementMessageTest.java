package io.aifabric.escrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Keys;
import org.web3j.crypto.Sign;
import org.web3j.utils.Numeric;

class SettlementBatchTest {
  private static final ContractDomain DOMAIN =
      ContractDomain.jobEscrow(31337, "0x5FbDB2315678afecb367f032d93F642f64180aa3");
  private static final BigInteger HALF_N =
      new BigInteger("7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0", 16);

  @Test
  void packsEachEntryInTwentyBytesBigEndian() {
    SettlementMessage batch =
        new SettlementMessage(
            0,
            1_000,
            List.of(
                new SettlementEntry(1, 2, 3),
                new SettlementEntry(0x0102030405060708L, 0xFFFF_FFFFL, 9)));

    assertThat(Numeric.toHexStringNoPrefix(batch.packedEntries()))
        .isEqualTo(
            "0000000000000001"
                + "00000002"
                + "0000000000000003"
                + "0102030405060708"
                + "ffffffff"
                + "0000000000000009");
  }

  @Test
  void refusesJobsOutOfOrderOrTwice() {
    assertThatThrownBy(
            () ->
                new SettlementMessage(
                    0, 1, List.of(new SettlementEntry(2, 1, 0), new SettlementEntry(1, 1, 0))))
        .hasMessageContaining("ascending");
    assertThatThrownBy(
            () ->
                new SettlementMessage(
                    0, 1, List.of(new SettlementEntry(2, 1, 0), new SettlementEntry(2, 1, 0))))
        .hasMessageContaining("job 2 follows 2");
    assertThatThrownBy(() -> new SettlementMessage(0, 1, List.of()))
        .hasMessageContaining("at least");
  }

  @Test
  void refusesEntriesThatDoNotFitTheirFields() {
    assertThatThrownBy(() -> new SettlementEntry(-1, 1, 0)).hasMessageContaining("job id");
    assertThatThrownBy(() -> new SettlementEntry(0, 0, 0)).hasMessageContaining("provider id");
    assertThatThrownBy(() -> new SettlementEntry(0, 1L << 32, 0))
        .hasMessageContaining("provider id");
    assertThatThrownBy(() -> new SettlementEntry(0, 1, -5)).hasMessageContaining("used gwei");
  }

  @Test
  void digestChangesWithEveryFieldAndTheDomain() {
    SettlementMessage batch =
        new SettlementMessage(4, 1_000, List.of(new SettlementEntry(7, 1, 5)));
    byte[] digest = batch.digest(DOMAIN);

    List<byte[]> others =
        List.of(
            new SettlementMessage(5, 1_000, batch.entries()).digest(DOMAIN),
            new SettlementMessage(4, 1_001, batch.entries()).digest(DOMAIN),
            new SettlementMessage(4, 1_000, List.of(new SettlementEntry(7, 1, 6))).digest(DOMAIN),
            new SettlementMessage(4, 1_000, List.of(new SettlementEntry(7, 2, 5))).digest(DOMAIN),
            new SettlementMessage(4, 1_000, List.of(new SettlementEntry(8, 1, 5))).digest(DOMAIN),
            batch.digest(ContractDomain.jobEscrow(1, DOMAIN.verifyingContract())),
            batch.digest(
                ContractDomain.jobEscrow(31337, "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512")));

    assertThat(digest).hasSize(32);
    others.forEach(other -> assertThat(Arrays.equals(other, digest)).isFalse());
  }

  @Test
  void signaturesRecoverToTheOracleAreLowSAndComeOrderedBySigner() throws Exception {
    byte[] digest =
        new SettlementMessage(0, 1_000, List.of(new SettlementEntry(0, 1, 1))).digest(DOMAIN);
    List<ECKeyPair> keys =
        List.of(Keys.createEcKeyPair(), Keys.createEcKeyPair(), Keys.createEcKeyPair());
    List<OracleSignatures.Signed> signed =
        keys.stream().map(k -> OracleSignatures.sign(digest, k)).toList();

    for (int i = 0; i < keys.size(); i++) {
      byte[] rsv = signed.get(i).rsv();
      assertThat(rsv).hasSize(65);
      assertThat(rsv[64]).isIn((byte) 27, (byte) 28);
      assertThat(new BigInteger(1, Arrays.copyOfRange(rsv, 32, 64))).isLessThanOrEqualTo(HALF_N);
      BigInteger recovered =
          Sign.signedMessageHashToKey(
              digest,
              new Sign.SignatureData(
                  rsv[64], Arrays.copyOfRange(rsv, 0, 32), Arrays.copyOfRange(rsv, 32, 64)));
      assertThat(Keys.getAddress(recovered)).isEqualTo(Keys.getAddress(keys.get(i)));
    }

    byte[] combined = OracleSignatures.combine(signed);
    assertThat(combined).hasSize(3 * 65);
    BigInteger previous = BigInteger.ZERO;
    for (int i = 0; i < 3; i++) {
      byte[] rsv = Arrays.copyOfRange(combined, i * 65, i * 65 + 65);
      String signer =
          signed.stream()
              .filter(s -> Arrays.equals(s.rsv(), rsv))
              .findFirst()
              .orElseThrow()
              .signer();
      assertThat(Numeric.toBigInt(signer)).isGreaterThan(previous);
      previous = Numeric.toBigInt(signer);
    }
  }

  @Test
  void domainRefusesWhatCannotBeAnEscrow() {
    assertThatThrownBy(() -> ContractDomain.jobEscrow(0, DOMAIN.verifyingContract()))
        .hasMessageContaining("chain id");
    assertThatThrownBy(() -> ContractDomain.jobEscrow(1, "0x1234")).hasMessageContaining("address");
    assertThatThrownBy(() -> ContractDomain.jobEscrow(1, "0x" + "0".repeat(40)))
        .hasMessageContaining("address");
  }
}
