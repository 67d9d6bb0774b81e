package io.aifabric.operator.proof;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.KeyDirectory;
import io.aifabric.protocol.NodePublicKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registered key of every known node: the only keys whose heartbeats and receipts count. Filled
 * from the verified registrations the member clusters carry on their Nodes; one key per node and
 * one node per key.
 */
@ApplicationScoped
public class NodeKeys implements KeyDirectory {
  private record Registered(NodePublicKey key, String computeNode) {}

  private final Map<EthAddress, Registered> byAddress = new ConcurrentHashMap<>();
  private final Map<String, EthAddress> byComputeNode = new ConcurrentHashMap<>();

  /**
   * Records the node's key, replacing an earlier one of the same node.
   *
   * @return false when another node already holds this key (nothing is recorded)
   */
  public synchronized boolean register(String computeNode, NodePublicKey key) {
    Registered holder = byAddress.get(key.address());
    if (holder != null && !holder.computeNode().equals(computeNode)) {
      return false;
    }
    EthAddress previous = byComputeNode.put(computeNode, key.address());
    if (previous != null && !previous.equals(key.address())) {
      byAddress.remove(previous);
    }
    byAddress.put(key.address(), new Registered(key, computeNode));
    return true;
  }

  public synchronized void forget(String computeNode) {
    EthAddress address = byComputeNode.remove(computeNode);
    if (address != null) {
      byAddress.remove(address);
    }
  }

  /** The ComputeNode that holds the key, if any (whose status a heartbeat updates). */
  public Optional<String> computeNodeOf(EthAddress address) {
    Registered r = byAddress.get(address);
    return r == null ? Optional.empty() : Optional.of(r.computeNode());
  }

  /** Who else holds this key, if another node does. */
  public Optional<String> holderOtherThan(String computeNode, EthAddress address) {
    Registered r = byAddress.get(address);
    return r == null || r.computeNode().equals(computeNode)
        ? Optional.empty()
        : Optional.of(r.computeNode());
  }

  @Override
  public NodePublicKey keyOf(EthAddress node) {
    Registered r = byAddress.get(node);
    return r == null ? null : r.key();
  }
}
