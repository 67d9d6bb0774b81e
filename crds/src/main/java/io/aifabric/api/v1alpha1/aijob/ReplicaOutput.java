package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/**
 * One replica's sealed output, as its node signed for it in the replica's work receipt: where it
 * is, its content address and size, and the receipt itself, so that whoever fetches the output can
 * check the node's signature and the bytes without trusting this status.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ReplicaOutput {
  private Integer replica;

  /** The ComputeNode that ran the replica and signed its receipt. */
  private String node;

  /** The node's registered address, whose key signed the receipt. */
  private String nodeAddress;

  /** SHA-256 of the sealed bytes (0x and 64 hex digits): what the receipt names. */
  private String contentAddress;

  /** Size of the sealed output in bytes. */
  private Long sealedBytes;

  /** Where to fetch it: the member's object store, as the public reads it. */
  private String url;

  /** The rest of the signed receipt: enough to check its signature offline. */
  private Long gpuSeconds;

  private Integer exitCode;
  private Long finishedAtMillis;

  /** The node's secp256k1 signature of the receipt (0x, 65 bytes). */
  private String receiptSignature;
}
