package io.aifabric.operator.outputs;

/**
 * A member's object store cannot take a job's sealed outputs (no store declared, its credential
 * Secret missing or incomplete): the job is not dispatched there, and its status says why.
 */
public final class StoreUnusableException extends Exception {
  private final String reason;

  public StoreUnusableException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The condition reason: NoObjectStore or StoreCredentialsMissing. */
  public String reason() {
    return reason;
  }
}
