package io.aifabric.operator.aijob;

/** The AIJob condition types the operator writes. */
final class JobConditionTypes {
  static final String VALID = "Valid";
  static final String PLACED = "Placed";
  static final String DISPATCHED = "Dispatched";
  static final String RUNNING = "Running";
  static final String SUCCEEDED = "Succeeded";
  static final String RECEIPTED = JobReceipts.RECEIPTED;
  static final String SETTLED = "Settled";
  static final String VOLUMES_MOUNTED = "VolumesMounted";

  private JobConditionTypes() {}
}
