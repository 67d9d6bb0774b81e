package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which receipts the {@link ReceiptBook} keeps for good: those for a replica that exists of a job
 * that may still be settled from escrow, signed by a node registered on a ComputeNode. Anyone can
 * make a key and sign a receipt; only these can ever be paid. Fed by {@link HostView}'s informers
 * (their event threads), read on the MQTT event loop: both sides only touch concurrent maps, so
 * creating this bean never starts an informer or blocks that loop.
 */
@ApplicationScoped
public class ReceiptAdmission {
  /** What to do with a receipt whose signature checked out. */
  public enum Decision {
    /** For a replica of a job awaiting settlement, from a registered node: kept. */
    KEEP,
    /**
     * The job or the node is not known (yet): held in the bounded intake, looked at again when the
     * job is audited or swept; the first to go when the intake is full.
     */
    HOLD,
    /** A replica the job does not have: never payable. */
    REFUSE
  }

  /** Jobs that may still be settled, by UID: their replica count. */
  private final Map<String, Integer> replicasByJob = new ConcurrentHashMap<>();

  /** Registered node addresses (lowercase), by ComputeNode name. */
  private final Map<String, String> nodeAddresses = new ConcurrentHashMap<>();

  /**
   * How many ComputeNodes name each address: counted, not a set, so that one of two ComputeNodes
   * with the same key going away does not unregister the other.
   */
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  public Decision decide(String jobUid, int replica, String nodeAddress) {
    Integer replicas = replicasByJob.get(jobUid);
    if (replicas != null && (replica < 0 || replica >= replicas)) {
      return Decision.REFUSE;
    }
    if (replicas == null || !registered.containsKey(nodeAddress.toLowerCase(Locale.ROOT))) {
      return Decision.HOLD;
    }
    return Decision.KEEP;
  }

  /** Whether a ComputeNode names this address as its node's registered key. */
  public boolean isRegistered(String nodeAddress) {
    return registered.containsKey(nodeAddress.toLowerCase(Locale.ROOT));
  }

  void jobSeen(AIJob job) {
    String uid = job.getMetadata().getUid();
    if (JobAudit.awaitsSettlement(job)) {
      Integer replicas = job.getSpec().getReplicas();
      replicasByJob.put(uid, replicas == null ? 1 : replicas);
    } else {
      replicasByJob.remove(uid);
    }
  }

  void jobGone(AIJob job) {
    replicasByJob.remove(job.getMetadata().getUid());
  }

  synchronized void nodeSeen(ComputeNode node) {
    var identity = node.getStatus() == null ? null : node.getStatus().getIdentity();
    String address =
        identity == null || identity.getAddress() == null
            ? null
            : identity.getAddress().toLowerCase(Locale.ROOT);
    String before =
        address == null
            ? nodeAddresses.remove(node.getMetadata().getName())
            : nodeAddresses.put(node.getMetadata().getName(), address);
    if (before != null) {
      unregister(before);
    }
    if (address != null) {
      registered.merge(address, 1, Integer::sum);
    }
  }

  synchronized void nodeGone(ComputeNode node) {
    String before = nodeAddresses.remove(node.getMetadata().getName());
    if (before != null) {
      unregister(before);
    }
  }

  private void unregister(String address) {
    registered.computeIfPresent(address, (a, n) -> n == 1 ? null : n - 1);
  }
}
