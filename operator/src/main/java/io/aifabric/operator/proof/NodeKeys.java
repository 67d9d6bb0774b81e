package io.aifabric.operator.proof;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.KeyDirectory;
import io.aifabric.protocol.NodePublicKey;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The registered key of every known node: the only keys whose heartbeats and receipts count. Filled
 * from the verified registrations the member clusters carry on their Nodes; one key per node and
 * one node per key.
 */
@ApplicationScoped
public class NodeKeys implements KeyDirectory {
  private record Registered(NodePublicKey key, String computeNode) {}

  private final Map<EthAddress, Registered> byAddress = new ConcurrentHashMap<>();
  private final List<Consumer<EthAddress>> listeners = new CopyOnWriteArrayList<>();
  private final Map<String, EthAddress> byComputeNode = new ConcurrentHashMap<>();

  /**
   * Records the node's key, replacing an earlier one of the same node.
   *
   * @return false when another node already holds this key (nothing is recorded)
   */
  public boolean register(String computeNode, NodePublicKey key) {
    boolean fresh;
    synchronized (this) {
      Registered holder = byAddress.get(key.address());
      if (holder != null && !holder.computeNode().equals(computeNode)) {
        return false;
      }
      fresh = holder == null;
      EthAddress previous = byComputeNode.put(computeNode, key.address());
      if (previous != null && !previous.equals(key.address())) {
        byAddress.remove(previous);
      }
      byAddress.put(key.address(), new Registered(key, computeNode));
    }
    if (fresh) {
      listeners.forEach(l -> l.accept(key.address()));
    }
    return true;
  }

  /** Called with each newly registered address (after the key is in place). */
  public void onRegistered(Consumer<EthAddress> listener) {
    listeners.add(listener);
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
