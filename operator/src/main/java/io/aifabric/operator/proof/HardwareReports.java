package io.aifabric.operator.proof;

import io.aifabric.protocol.HardwareReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest verified (correctly signed) hardware report of each node, waiting for the member's
 * probe to judge it against the node's listing and write the result: one writer of ComputeNode
 * status, whatever the report rate.
 */
@ApplicationScoped
public class HardwareReports {
  private final Map<String, HardwareReport> byComputeNode = new ConcurrentHashMap<>();

  public void received(String computeNode, HardwareReport report) {
    byComputeNode.merge(
        computeNode,
        report,
        (old, fresh) -> fresh.measuredAtMillis() >= old.measuredAtMillis() ? fresh : old);
  }

  public Optional<HardwareReport> latest(String computeNode) {
    return Optional.ofNullable(byComputeNode.get(computeNode));
  }

  public void forget(String computeNode) {
    byComputeNode.remove(computeNode);
  }
}
