package io.aifabric.escrow.audit;

import io.aifabric.protocol.WorkReceipt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Receipts held until their job or node is known: bounded in bytes, oldest out first. Anyone can
 * sign receipts with fresh keys for jobs that do not exist; here they cost at most {@code
 * maxBytes}, and push out only other held receipts, never one the book keeps. Indexed by job, so
 * that auditing one job looks at that job's held receipts only, not at the whole intake.
 */
final class ReceiptIntake {
  /** One held receipt under its job, replica and node. */
  record Key(String jobUid, int replica, String node) {}

  private record Held(WorkReceipt.Signed signed, long bytes, Instant heard) {}

  /** In insertion order: the first entry is the oldest. */
  private final LinkedHashMap<Key, Held> held = new LinkedHashMap<>();

  private final Map<String, Set<Key>> keysByJob = new HashMap<>();
  private final long maxBytes;
  private long bytes;

  ReceiptIntake(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Holds a receipt that took {@code size} bytes on the wire.
   *
   * @return how many older receipts were pushed out to make room
   */
  synchronized int hold(Key key, WorkReceipt.Signed signed, int size, Instant heard) {
    // What a held receipt costs: its bytes, decoded, and the map's entry (measured ~3× the wire).
    long cost = 3L * size + 256;
    remove(key);
    int evicted = 0;
    while (bytes + cost > maxBytes && !held.isEmpty()) {
      remove(held.keySet().iterator().next());
      evicted++;
    }
    if (cost <= maxBytes) {
      held.put(key, new Held(signed, cost, heard));
      keysByJob.computeIfAbsent(key.jobUid(), k -> new HashSet<>()).add(key);
      bytes += cost;
    }
    return evicted;
  }

  /**
   * Takes out the held receipts the predicate accepts (to keep them, or to drop them).
   *
   * @param jobUid only this job's, or null: all
   */
  synchronized List<Map.Entry<Key, WorkReceipt.Signed>> takeOut(
      String jobUid, Predicate<Key> which) {
    List<Key> candidates =
        new ArrayList<>(jobUid == null ? held.keySet() : keysByJob.getOrDefault(jobUid, Set.of()));
    List<Map.Entry<Key, WorkReceipt.Signed>> out = new ArrayList<>();
    for (Key key : candidates) {
      if (which.test(key)) {
        out.add(Map.entry(key, remove(key).signed()));
      }
    }
    return out;
  }

  /** Drops what was heard before the instant and is still held. */
  synchronized int dropHeardBefore(Instant before) {
    List<Key> old = new ArrayList<>();
    for (Iterator<Map.Entry<Key, Held>> it = held.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Key, Held> e = it.next();
      if (e.getValue().heard().isBefore(before)) {
        old.add(e.getKey());
      }
    }
    old.forEach(this::remove);
    return old.size();
  }

  synchronized long bytes() {
    return bytes;
  }

  /** Removes a held receipt from the queue and the index; null when it was not held. */
  private Held remove(Key key) {
    Held h = held.remove(key);
    if (h != null) {
      bytes -= h.bytes();
      Set<Key> keys = keysByJob.get(key.jobUid());
      keys.remove(key);
      if (keys.isEmpty()) {
        keysByJob.remove(key.jobUid());
      }
    }
    return h;
  }
}
