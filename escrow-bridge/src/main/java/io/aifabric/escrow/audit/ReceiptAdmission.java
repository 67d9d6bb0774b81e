package io.aifabric.escrow.audit;

import io.aifabric.protocol.WorkReceipt;

/**
 * Whether a correctly signed receipt is worth keeping. Anyone can make a key and sign receipts with
 * it, so a valid signature alone would let a stranger fill the bridge's memory: only receipts of a
 * job that exists, for one of its replicas, from a node whose key is registered, are kept.
 */
@FunctionalInterface
public interface ReceiptAdmission {
  /** Keeps everything: for tests of the book's other rules. */
  ReceiptAdmission ANY = receipt -> null;

  /**
   * @return why the receipt is not kept (a metric label), or null to keep it
   */
  String refusal(WorkReceipt receipt);
}
