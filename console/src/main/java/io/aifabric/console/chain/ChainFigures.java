package io.aifabric.console.chain;

import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;

/**
 * What the console last read from the chain itself (not from any status an operator or bridge
 * wrote): the chain and its latest block, and the escrow's own accounts — ETH it holds for jobs,
 * its balance, settlements posted. {@code error} says why a read failed; the figures are then the
 * last good ones, or absent.
 */
@TemplateData
public record ChainFigures(
    long chainId,
    long block,
    String escrow,
    String heldForJobs,
    String balance,
    long settlementsPosted,
    Instant readAt,
    String error) {

  private static final BigDecimal WEI_PER_ETH = BigDecimal.TEN.pow(18);

  static ChainFigures read(
      long chainId,
      long block,
      String escrow,
      BigInteger heldWei,
      BigInteger balanceWei,
      long settlementsPosted,
      Instant at) {
    return new ChainFigures(
        chainId, block, escrow, eth(heldWei), eth(balanceWei), settlementsPosted, at, null);
  }

  /** The same figures, with why the latest read failed. */
  public ChainFigures failed(String why) {
    return new ChainFigures(
        chainId, block, escrow, heldForJobs, balance, settlementsPosted, readAt, why);
  }

  /** Wei as ETH, without trailing zeros (1.5, not 1.500000000000000000). */
  static String eth(BigInteger wei) {
    BigDecimal eth = new BigDecimal(wei).divide(WEI_PER_ETH).stripTrailingZeros();
    return eth.signum() == 0 ? "0" : eth.toPlainString();
  }
}
