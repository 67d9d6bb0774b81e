package io.aifabric.api.v1alpha1.computenode;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** The node agent's public keys; the private halves never leave the node. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeIdentity {
  /** Ethereum address of the node's secp256k1 key: signs heartbeats and receipts. */
  private String address;

  /** The secp256k1 public key (0x, 64 bytes X||Y) the node registered, signed by itself. */
  private String publicKey;

  /** X25519 public key (0x, 32 bytes): inputs sealed to this node use it. */
  private String x25519PublicKey;

  /**
   * The node's broker key (0x, P-256 SubjectPublicKeyInfo DER, 91 bytes): the network's broker
   * certificate for this node is issued for it, with the node's address as its subject.
   */
  private String brokerKey;

  /** Its signed NodeRegistry registration, when its agent is configured with the chain. */
  private ChainRegistrationSignature chainRegistration;
}
