package io.aifabric.escrow.relayer;

import io.aifabric.api.v1alpha1.settlement.ChainSubmissionStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.Optional;

/**
 * One thing the relayer takes on chain with a quorum of oracle signatures — a settlement batch, a
 * slash — as {@link ChainSubmission} needs to see it: its durable status, the contract call, and
 * how the chain shows it done. The submission steps (record before broadcast, replace when stuck,
 * nonce gaps, reorgs, "already done" as success) are the same for all of them.
 *
 * @param <D> what the action records of where it landed
 */
public interface OnChainAction<D> {
  /** The resource, for events and logs. */
  HasMetadata resource();

  /** The working copy of the status, which {@link #write} makes durable. */
  ChainSubmissionStatus status();

  /** Writes the working copy, conditional on the version read (a conflict is thrown). */
  void write();

  /** The contract the transaction calls. */
  String contract();

  /** Unix seconds (chain time) after which the oracles' signatures no longer count. */
  long deadline();

  /** Whether, and where, the chain shows the action done. */
  Landing<D> landing() throws Exception;

  /**
   * The call data with a quorum of the oracles' signatures as they are now.
   *
   * @return empty when the quorum is gone (an oracle was removed): the action collects again
   */
  Optional<String> call() throws Exception;

  /** Records what the action landed with (counts, amounts) in the working copy. */
  default void landed(D detail) {}

  /**
   * Gives the action up for good, in its status and an Event.
   *
   * @return when to look again (null: never)
   */
  Duration abandon(String reason, String message);

  /** Records a Kubernetes Event on the resource. */
  void event(String type, String reason, String message);

  /** Counts a step in the action's metric. */
  void count(String step);
}
