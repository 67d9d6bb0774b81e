package io.aifabric.escrow.audit;

import io.aifabric.escrow.SettlementEntry;

/** What an audit of one job concluded: the settlement it vouches for, or why it will not. */
public record Verdict(SettlementEntry entry, String refusal) {
  public static Verdict payable(SettlementEntry entry) {
    return new Verdict(entry, null);
  }

  public static Verdict refused(String reason) {
    return new Verdict(null, reason);
  }

  public boolean isPayable() {
    return entry != null;
  }
}
