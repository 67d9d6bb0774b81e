package io.aifabric.api.v1alpha1.settlement;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/**
 * A settlement transaction as the relayer signed it, recorded before it was broadcast. The signed
 * bytes are kept (they are public once broadcast): after a reorg drops the transaction, or a node
 * loses it from its pool, the relayer broadcasts the very same transaction again — same hash, same
 * account nonce — instead of signing a second one.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BatchTransaction {
  private String hash;

  /**
   * The account that signed it (0x, lowercase): with two relayers, each manages the account nonces
   * of its own transactions only. Absent in records from before it was kept: the reader's own.
   */
  private String from;

  private Long nonce;
  private Long gasLimit;

  /** Wei, decimal strings (EIP-1559 fees). */
  private String maxFeePerGas;

  private String maxPriorityFeePerGas;
  private String signedAt;

  /** The signed transaction (EIP-1559, chain id inside), 0x hex. */
  private String raw;
}
