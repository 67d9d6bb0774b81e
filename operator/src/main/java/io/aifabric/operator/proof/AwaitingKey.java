package io.aifabric.operator.proof;

import io.aifabric.protocol.EthAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Messages from nodes whose key is not registered yet, kept (bounded) until it is: an agent may
 * publish its retained hardware report or a receipt moments before the operator has read its
 * registration, and the broker hands a retained message over only once. Anyone can make up node
 * addresses, so the bound is in bytes as well as in nodes and messages per node: when full, the
 * nodes heard from first are dropped first.
 */
final class AwaitingKey {
  /** A message as it arrived. */
  record Held(String topic, byte[] payload) {
    long bytes() {
      return payload.length + 2L * topic.length();
    }
  }

  private final int maxNodes;
  private final int maxPerNode;
  private final long maxBytes;
  private final LinkedHashMap<EthAddress, List<Held>> held = new LinkedHashMap<>();
  private long bytes;

  AwaitingKey(int maxNodes, int maxPerNode, long maxBytes) {
    this.maxNodes = maxNodes;
    this.maxPerNode = maxPerNode;
    this.maxBytes = maxBytes;
  }

  synchronized void hold(EthAddress node, String topic, byte[] payload) {
    Held message = new Held(topic, payload);
    if (message.bytes() > maxBytes) {
      return;
    }
    List<Held> list = held.computeIfAbsent(node, n -> new ArrayList<>());
    if (list.size() >= maxPerNode) {
      bytes -= list.remove(0).bytes();
    }
    list.add(message);
    bytes += message.bytes();
    Iterator<Map.Entry<EthAddress, List<Held>>> eldest = held.entrySet().iterator();
    while ((held.size() > maxNodes || bytes > maxBytes) && eldest.hasNext()) {
      Map.Entry<EthAddress, List<Held>> e = eldest.next();
      if (!e.getKey().equals(node)) {
        e.getValue().forEach(h -> bytes -= h.bytes());
        eldest.remove();
      }
    }
    while (bytes > maxBytes) {
      bytes -= list.remove(0).bytes(); // this node alone is over: its oldest messages go
    }
  }

  synchronized List<Held> release(EthAddress node) {
    List<Held> list = held.remove(node);
    if (list == null) {
      return List.of();
    }
    list.forEach(h -> bytes -= h.bytes());
    return list;
  }

  /** Bytes held (payloads and topics), for the gauge and the tests. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized int nodes() {
    return held.size();
  }
}
