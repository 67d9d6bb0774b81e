package io.aifabric.operator.proof;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which nodes reported each GPU UUID. A physical GPU is in one node: a UUID reported by two nodes
 * means at least one of them is lying (or replaying another's report), and both are flagged.
 */
@ApplicationScoped
public class GpuUuidRegistry {
  private final Map<String, Set<String>> nodesByUuid = new HashMap<>();
  private final Map<String, List<String>> uuidsByNode = new HashMap<>();

  /**
   * Records the node's GPUs (replacing its earlier report) and returns the other nodes that
   * reported any of the same UUIDs.
   */
  public synchronized Set<String> claim(String computeNode, List<String> uuids) {
    release(computeNode);
    Set<String> others = new TreeSet<>();
    for (String uuid : uuids) {
      Set<String> nodes = nodesByUuid.computeIfAbsent(uuid, u -> new HashSet<>());
      nodes.stream().filter(n -> !n.equals(computeNode)).forEach(others::add);
      nodes.add(computeNode);
    }
    uuidsByNode.put(computeNode, List.copyOf(uuids));
    return others;
  }

  public synchronized void release(String computeNode) {
    List<String> uuids = uuidsByNode.remove(computeNode);
    if (uuids == null) {
      return;
    }
    for (String uuid : uuids) {
      Set<String> nodes = nodesByUuid.get(uuid);
      if (nodes != null) {
        nodes.remove(computeNode);
        if (nodes.isEmpty()) {
          nodesByUuid.remove(uuid);
        }
      }
    }
  }
}
