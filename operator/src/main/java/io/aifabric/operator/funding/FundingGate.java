package io.aifabric.operator.funding;

import io.aifabric.operator.funding.FundingVerdict.Funded;
import io.aifabric.operator.funding.FundingVerdict.Unfunded;
import io.aifabric.protocol.Hex;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a job that pays from escrow may be dispatched: its payer's deposit under the
 * job's own key exists, is open, holds the job's worst-case cost, and cannot be refunded before the
 * run, the receipt wait and the settlement are over. Otherwise the payer could take the money back
 * after the provider's GPUs did the work (anyone may refund after the deadline the payer chose), or
 * the work would be paid less than it cost.
 */
public final class FundingGate {
  private static final BigDecimal WEI_PER_ETHER = BigDecimal.TEN.pow(18);

  private FundingGate() {}

  public static FundingVerdict check(
      DepositSource chain, String payer, byte[] key, FundingRequirement need) {
    if (!chain.configured()) {
      return new Unfunded(
          "NoChain",
          "the job pays from escrow and this operator reads no chain (aifabric.chain.rpc-url,"
              + " aifabric.chain.escrow): it is not dispatched");
    }
    Optional<EscrowDeposit> found;
    Instant now;
    try {
      found = chain.find(payer, key);
      now = chain.chainTime();
    } catch (IOException e) {
      return new Unfunded("ChainUnavailable", "the chain did not answer: " + e.getMessage());
    }
    Instant needed = now.plus(need.runway());
    if (found.isEmpty()) {
      return new Unfunded(
          "AwaitingDeposit",
          "waiting for a deposit from "
              + payer
              + " under key "
              + Hex.encode(key)
              + " of at least "
              + need.required().toPlainString()
              + " with a deadline after "
              + needed);
    }
    EscrowDeposit deposit = found.get();
    String id = "escrow job " + deposit.escrowJobId();
    if (deposit.closed()) {
      return new Unfunded(
          "DepositClosed",
          id
              + " under the job's key is closed (refunded or settled): re-create the job to fund it");
    }
    if (!deposit.payer().toLowerCase(Locale.ROOT).equals(payer.toLowerCase(Locale.ROOT))) {
      // The escrow keys deposits by payer, so this is a chain that answers wrongly.
      return new Unfunded(
          "AwaitingDeposit", id + " was made by " + deposit.payer() + ", not " + payer);
    }
    BigInteger required = need.requiredWei();
    if (deposit.maxAmountWei().compareTo(required) < 0) {
      return new Unfunded(
          "Underfunded",
          id
              + " holds "
              + ether(deposit.maxAmountWei())
              + ", less than the job's worst-case cost "
              + need.required().toPlainString()
              + " (its budget, or every GPU for maxDuration at maxPricePerGpuHour): top it up with"
              + " JobEscrow.topUp("
              + deposit.escrowJobId()
              + ", deadline)");
    }
    if (deposit.deadline().isBefore(needed)) {
      return new Unfunded(
          "DeadlineTooSoon",
          id
              + " may be refunded from "
              + deposit.deadline()
              + "; the run, the receipt wait and the settlement window need it until "
              + needed
              + ": extend it with JobEscrow.topUp("
              + deposit.escrowJobId()
              + ", deadline)");
    }
    return new Funded(
        deposit,
        id
            + " holds "
            + ether(deposit.maxAmountWei())
            + " for provider "
            + deposit.provider()
            + " until "
            + deposit.deadline());
  }

  private static String ether(BigInteger wei) {
    return new BigDecimal(wei).divide(WEI_PER_ETHER).stripTrailingZeros().toPlainString();
  }
}
