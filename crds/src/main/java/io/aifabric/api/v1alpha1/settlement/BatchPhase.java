package io.aifabric.api.v1alpha1.settlement;

/**
 * Collecting oracle signatures, Submitting (a transaction is out, not yet mined), Confirming
 * (mined, waiting for enough blocks on top), Settled; or Abandoned: the batch can never settle as
 * signed (a quorum refused, or its deadline passed) and its jobs go into a new batch.
 */
public enum BatchPhase {
  Collecting,
  Submitting,
  Confirming,
  Settled,
  Abandoned
}
