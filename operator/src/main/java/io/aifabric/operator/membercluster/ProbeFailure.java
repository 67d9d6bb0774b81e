package io.aifabric.operator.membercluster;

/**
 * Why a member could not be probed, as a condition reason and a message that says what to fix.
 *
 * @param reachable whether the member's API server answered at all (Reachable condition)
 */
public class ProbeFailure extends Exception {
  private final String reason;
  private final boolean reachable;

  public ProbeFailure(String reason, String message, boolean reachable) {
    super(message);
    this.reason = reason;
    this.reachable = reachable;
  }

  public String reason() {
    return reason;
  }

  public boolean reachable() {
    return reachable;
  }
}
