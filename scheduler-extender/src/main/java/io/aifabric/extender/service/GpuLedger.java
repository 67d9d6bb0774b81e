package io.aifabric.extender.service;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Who holds which GPUs, per node: pods bound there (as the pod informer reports them) and
 * reservations taken by binds that the informer has not confirmed yet.
 *
 * <p>kube-scheduler binds in parallel goroutines, two scheduler instances (or this profile and
 * another scheduler) each trust their own cache, and the informer lags the API server by a watch
 * event. A bind that only looked at the informer would let two pods take the same free GPU; so
 * every bind first {@link #reserve reserves} under this ledger's lock, and the reservation counts
 * until the informer shows the pod bound (then the pod counts instead, never both) or the bind is
 * {@link #release released}.
 *
 * <p>Writes are serialized on this object; reads of a node's count ({@link #inUse}) are lock-free
 * so that filter, which reads thousands of nodes per request, never waits for a bind.
 */
@Singleton
public final class GpuLedger {
  /** A reservation: GPUs held on a node for a pod whose binding is in flight or unconfirmed. */
  public record Reservation(
      String podUid, String podNamespace, String podName, String node, int gpus, Instant since) {}

  /** The pod a bind is for. */
  public record PodRef(String namespace, String name, String uid) {}

  private record Holding(String node, int gpus) {}

  private final Map<String, Holding> boundPods = new HashMap<>();
  private final Map<String, Reservation> reservations = new HashMap<>();
  private final Map<String, Integer> inUse = new ConcurrentHashMap<>();
  private volatile Consumer<String> onChange = node -> {};

  /**
   * Tells {@code listener} the name of each node whose count changed, after the change and before
   * the next one (it is called under this ledger's lock, so it must not wait for anything).
   */
  public void onChange(Consumer<String> listener) {
    this.onChange = listener;
  }

  /** GPUs on the node held by bound pods and reservations. */
  public int inUse(String node) {
    return inUse.getOrDefault(node, 0);
  }

  /**
   * Reserves GPUs for a pod on a node if that many are free. Asking again for the same pod and node
   * succeeds without counting twice (kube-scheduler may retry a bind whose answer it missed).
   *
   * @return why not, or empty when the GPUs are held for the pod
   */
  public synchronized Optional<String> reserve(
      PodRef pod, String node, int gpus, int allocatable, Instant now) {
    String podUid = pod.uid();
    Holding bound = boundPods.get(podUid);
    if (bound != null) {
      return bound.node().equals(node)
          ? Optional.empty()
          : Optional.of("the pod is already bound to node " + bound.node());
    }
    Reservation held = reservations.get(podUid);
    if (held != null) {
      return held.node().equals(node)
          ? Optional.empty()
          : Optional.of("a bind of this pod to node " + held.node() + " is in flight");
    }
    int free = allocatable - inUse(node);
    if (free < gpus) {
      return Optional.of(
          Math.max(0, free)
              + " of "
              + allocatable
              + " GPUs free on node "
              + node
              + " (counting binds in flight), the pod needs "
              + gpus);
    }
    reservations.put(podUid, new Reservation(podUid, pod.namespace(), pod.name(), node, gpus, now));
    add(node, gpus);
    return Optional.empty();
  }

  /** Drops a reservation (its bind failed, or its pod is gone); a no-op when there is none. */
  public synchronized void release(String podUid) {
    Reservation r = reservations.remove(podUid);
    if (r != null) {
      add(r.node(), -r.gpus());
    }
  }

  /**
   * The informer shows the pod bound to a node and not finished: from now on the pod holds its
   * GPUs, and any reservation for it is settled.
   */
  public synchronized void podBound(String podUid, String node, int gpus) {
    release(podUid);
    Holding previous = boundPods.put(podUid, new Holding(node, gpus));
    if (previous != null) {
      add(previous.node(), -previous.gpus());
    }
    add(node, gpus);
  }

  /** The pod finished or was deleted: its GPUs are free, bound or reserved. */
  public synchronized void podGone(String podUid) {
    release(podUid);
    Holding previous = boundPods.remove(podUid);
    if (previous != null) {
      add(previous.node(), -previous.gpus());
    }
  }

  /** Reservations taken before the given instant that the informer has not settled. */
  public synchronized List<Reservation> reservedBefore(Instant instant) {
    List<Reservation> old = new ArrayList<>();
    for (Reservation r : reservations.values()) {
      if (r.since().isBefore(instant)) {
        old.add(r);
      }
    }
    return old;
  }

  public synchronized int reservations() {
    return reservations.size();
  }

  private void add(String node, int gpus) {
    inUse.merge(node, gpus, (a, b) -> a + b == 0 ? null : a + b);
    onChange.accept(node);
  }
}
