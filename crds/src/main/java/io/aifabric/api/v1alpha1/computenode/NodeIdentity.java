package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** The node agent's public keys; the private halves never leave the node. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeIdentity {
  /** Ethereum address of the node's secp256k1 key: signs heartbeats and receipts. */
  private String address;

  /** Base64 X25519 public key: inputs sealed to this node use it. */
  private String x25519PublicKey;
}
