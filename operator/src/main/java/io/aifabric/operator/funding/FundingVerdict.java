package io.aifabric.operator.funding;

/** Whether a job's deposit lets it be dispatched. */
public sealed interface FundingVerdict {
  /** The deposit covers the job: place it on the deposit's provider's members only. */
  record Funded(EscrowDeposit deposit, String message) implements FundingVerdict {}

  /**
   * The job waits.
   *
   * @param reason the Funded condition's reason (NoChain, AwaitingDeposit, DepositClosed,
   *     Underfunded, DeadlineTooSoon, ChainUnavailable)
   */
  record Unfunded(String reason, String message) implements FundingVerdict {}
}
