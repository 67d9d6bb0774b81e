package io.aifabric.api.v1alpha1.settlement;

/**
 * Collecting oracle signatures, Submitting (a transaction is out, not yet mined), Confirming
 * (mined, waiting for enough blocks on top), Settled (on chain under enough blocks); or Abandoned:
 * it can never land as signed (a quorum refused, or its deadline passed). An abandoned batch's jobs
 * go into a new batch.
 */
public enum BatchPhase {
  Collecting,
  Submitting,
  Confirming,
  Settled,
  Abandoned
}
