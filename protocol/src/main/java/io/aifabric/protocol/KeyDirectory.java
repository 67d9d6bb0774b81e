package io.aifabric.protocol;

/** Who may sign: the registered key of each known node. */
@FunctionalInterface
public interface KeyDirectory {
  /** The node's registered key, or null when the address belongs to no registered node. */
  NodePublicKey keyOf(EthAddress node);
}
