package io.aifabric.operator.proof;

import io.aifabric.protocol.Signature;
import io.aifabric.protocol.WorkReceipt;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Correctly signed work receipts from registered nodes, by job UID, until the job's reconciler
 * takes what belongs to it: the receipt of each replica from the node that replica ran on. Agents
 * publish receipts retained, so an operator that restarts receives them again.
 */
@ApplicationScoped
public class WorkReceipts {
  /**
   * A receipt with the ComputeNode whose registered key signed it, and the signature (kept: a
   * sealed output's receipt goes into the job's status whole, for the user to check offline).
   */
  public record Signed(WorkReceipt receipt, String computeNode, Signature signature) {}

  private final Map<String, List<Signed>> byJob = new ConcurrentHashMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public void received(String computeNode, WorkReceipt.Signed signed) {
    WorkReceipt receipt = signed.receipt();
    byJob
        .computeIfAbsent(receipt.jobUid(), k -> new CopyOnWriteArrayList<>())
        .add(new Signed(receipt, computeNode, signed.signature()));
    listeners.forEach(l -> l.accept(receipt.jobUid()));
  }

  /** Tells the listener the job UID of every receipt kept, once it can be taken. */
  public void onReceived(Consumer<String> listener) {
    listeners.add(listener);
  }

  public List<Signed> forJob(String jobUid) {
    return List.copyOf(byJob.getOrDefault(jobUid, List.of()));
  }

  /** Drops receipts that were judged and refused, so each is counted once. */
  public void discard(String jobUid, List<Signed> refused) {
    List<Signed> list = byJob.get(jobUid);
    if (list != null) {
      list.removeAll(refused);
    }
  }

  public void forget(String jobUid) {
    byJob.remove(jobUid);
  }
}
