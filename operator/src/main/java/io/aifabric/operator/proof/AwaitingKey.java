package io.aifabric.operator.proof;

import io.aifabric.protocol.EthAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages from nodes whose key is not registered yet, kept (bounded) until it is: an agent may
 * publish its retained hardware report or a receipt moments before the operator has read its
 * registration, and the broker hands a retained message over only once.
 */
final class AwaitingKey {
  /** A message as it arrived. */
  record Held(String topic, byte[] payload) {}

  private final int maxNodes;
  private final int maxPerNode;
  private final Map<EthAddress, List<Held>> held;

  AwaitingKey(int maxNodes, int maxPerNode) {
    this.maxNodes = maxNodes;
    this.maxPerNode = maxPerNode;
    // Oldest node first out when full: a flood of made-up addresses costs bounded memory.
    this.held =
        new LinkedHashMap<>() {
          @Override
          protected boolean removeEldestEntry(Map.Entry<EthAddress, List<Held>> eldest) {
            return size() > AwaitingKey.this.maxNodes;
          }
        };
  }

  synchronized void hold(EthAddress node, String topic, byte[] payload) {
    List<Held> list = held.computeIfAbsent(node, n -> new ArrayList<>());
    if (list.size() >= maxPerNode) {
      list.remove(0);
    }
    list.add(new Held(topic, payload));
  }

  synchronized List<Held> release(EthAddress node) {
    List<Held> list = held.remove(node);
    return list == null ? List.of() : list;
  }
}
