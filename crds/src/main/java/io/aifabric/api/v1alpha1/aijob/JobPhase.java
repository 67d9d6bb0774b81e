package io.aifabric.api.v1alpha1.aijob;

/** Where an AIJob is in its life; Settled follows Succeeded or Failed once paid out. */
public enum JobPhase {
  Pending,
  Placed,
  Running,
  Succeeded,
  Failed,
  Settled
}
