package io.aifabric.operator.stake;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.utils.Numeric;

class RewardsLedgerTest {
  private static final String NODE = "0x" + "ab".repeat(20);
  private static final String PROVIDER = "0x" + "cd".repeat(20);
  private static final String ROOT = "0x" + "5e".repeat(32);

  private static String word(long value) {
    return Numeric.toHexStringNoPrefixZeroPadded(BigInteger.valueOf(value), 64);
  }

  private static String topic(String address) {
    return "0x" + "0".repeat(24) + address.substring(2);
  }

  private static Log log(List<String> topics, String data, String tx, long block) {
    Log log = new Log();
    log.setTopics(topics);
    log.setData("0x" + data);
    log.setTransactionHash(tx);
    log.setBlockNumber(Numeric.encodeQuantity(BigInteger.valueOf(block)));
    return log;
  }

  @Test
  void readsPostedEpochsNewestFirstAndEachNodesClaims() {
    RewardsLedger ledger = new RewardsLedger();
    for (long epoch = 1; epoch <= 6; epoch++) {
      ledger.apply(
          log(
              List.of(RewardsLedger.EPOCH_POSTED, "0x" + word(epoch)),
              ROOT.substring(2) + word(24) + word(1_000_000_000_000_000_000L),
              "0x01",
              10 + epoch));
    }
    ledger.apply(
        log(
            List.of(RewardsLedger.REWARD_CLAIMED, "0x" + word(5), topic(NODE), topic(PROVIDER)),
            word(16) + word(666_666_666_666_666_666L),
            "0xc1",
            40));

    assertThat(ledger.latest(4))
        .extracting(RewardsLedger.Posted::epoch)
        .containsExactly(6L, 5L, 4L, 3L);
    RewardsLedger.Posted five = ledger.latest(4).get(1);
    assertThat(five.root()).isEqualTo(ROOT);
    assertThat(five.totalScore()).isEqualTo(24);
    assertThat(five.reward()).isEqualTo(BigInteger.TEN.pow(18));

    RewardsLedger.Claim claim = ledger.claim(NODE, 5).orElseThrow();
    assertThat(claim.score()).isEqualTo(16);
    assertThat(claim.amount()).isEqualTo(BigInteger.valueOf(666_666_666_666_666_666L));
    assertThat(claim.transaction()).isEqualTo("0xc1");
    assertThat(claim.block()).isEqualTo(40);
    assertThat(ledger.claim(NODE, 6)).isEmpty();
    assertThat(ledger.claim(PROVIDER, 5)).isEmpty();
  }

  @Test
  void ignoresOtherEventsAndShortData() {
    RewardsLedger ledger = new RewardsLedger();
    ledger.apply(log(List.of(RewardsLedger.EPOCH_POSTED, "0x" + word(1)), word(1), "0x01", 1));
    ledger.apply(
        log(
            List.of(RegistryView.topic("Funded(address,uint256)"), topic(PROVIDER)),
            word(1),
            "0x02",
            2));
    assertThat(ledger.latest(4)).isEmpty();
  }
}
