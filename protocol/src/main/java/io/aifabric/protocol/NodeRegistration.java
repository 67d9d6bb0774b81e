package io.aifabric.protocol;

import io.aifabric.protocol.broker.BrokerKeys;

/**
 * A node introduces its keys: signed with the secp256k1 key it names, so whoever records it knows
 * the node holds that key. The X25519 key is what outputs for this node are sealed to; the broker
 * key (P-256, {@link BrokerKeys}) is what the network's broker certificate for this node is issued
 * for, so only the node can use it.
 *
 * <p>Signed bytes: keccak256 of {@code "aifabric/v1/registration"} (u16 length + UTF-8), cluster
 * and node name (each u16 length + UTF-8), public key (64 bytes, X||Y), X25519 public key (32
 * bytes), broker key (91 bytes, DER SubjectPublicKeyInfo), timestamp in epoch milliseconds (u64).
 */
public record NodeRegistration(
    String cluster,
    String nodeName,
    NodePublicKey key,
    byte[] x25519PublicKey,
    byte[] brokerKey,
    long timestampMillis) {
  public static final String DOMAIN = "aifabric/v1/registration";

  public NodeRegistration {
    if (x25519PublicKey.length != 32) {
      throw new IllegalArgumentException("an X25519 public key has 32 bytes");
    }
    x25519PublicKey = x25519PublicKey.clone();
    BrokerKeys.decode(brokerKey);
    brokerKey = brokerKey.clone();
  }

  @Override
  public byte[] brokerKey() {
    return brokerKey.clone();
  }

  @Override
  public byte[] x25519PublicKey() {
    return x25519PublicKey.clone();
  }

  public byte[] digest() {
    return new CanonicalEncoder(DOMAIN)
        .string(cluster)
        .string(nodeName)
        .bytes(key.toBytes())
        .bytes(x25519PublicKey)
        .bytes(brokerKey)
        .u64(timestampMillis)
        .digest();
  }

  /** True when the registration is signed by the key it registers. */
  public boolean isSignedBy(Signature signature) {
    return key.verifies(digest(), signature);
  }

  public Signed sign(NodeKey nodeKey) {
    if (!nodeKey.address().equals(key.address())) {
      throw new IllegalArgumentException("a registration is signed by the key it registers");
    }
    return new Signed(this, nodeKey.sign(digest()));
  }

  /** A registration with its signature, as the agent publishes it on its Node. */
  public record Signed(NodeRegistration registration, Signature signature) {
    public boolean isValid() {
      return registration.isSignedBy(signature);
    }
  }
}
