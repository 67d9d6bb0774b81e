package io.aifabric.escrow.audit;

import io.aifabric.protocol.WorkReceipt;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Receipts held until their job or node is known: bounded in bytes, oldest out first. Anyone can
 * sign receipts with fresh keys for jobs that do not exist; here they cost at most {@code
 * maxBytes}, and push out only other held receipts, never one the book keeps.
 */
final class ReceiptIntake {
  /** One held receipt under its job, replica and node. */
  record Key(String jobUid, int replica, String node) {}

  private record Held(WorkReceipt.Signed signed, long bytes, Instant heard) {}

  /** Access-ordered by insertion: the first entry is the oldest. */
  private final LinkedHashMap<Key, Held> held = new LinkedHashMap<>();

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
    Held before = held.remove(key);
    if (before != null) {
      bytes -= before.bytes();
    }
    int evicted = 0;
    Iterator<Map.Entry<Key, Held>> oldest = held.entrySet().iterator();
    while (bytes + cost > maxBytes && oldest.hasNext()) {
      bytes -= oldest.next().getValue().bytes();
      oldest.remove();
      evicted++;
    }
    if (cost <= maxBytes) {
      held.put(key, new Held(signed, cost, heard));
      bytes += cost;
    }
    return evicted;
  }

  /** Takes out the held receipts the predicate accepts (to keep them, or to drop them). */
  synchronized List<Map.Entry<Key, WorkReceipt.Signed>> takeOut(Predicate<Key> which) {
    List<Map.Entry<Key, WorkReceipt.Signed>> out = new ArrayList<>();
    Iterator<Map.Entry<Key, Held>> it = held.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Key, Held> e = it.next();
      if (which.test(e.getKey())) {
        out.add(Map.entry(e.getKey(), e.getValue().signed()));
        bytes -= e.getValue().bytes();
        it.remove();
      }
    }
    return out;
  }

  /** Drops what was heard before the instant and is still held. */
  synchronized int dropHeardBefore(Instant before) {
    int dropped = 0;
    Iterator<Map.Entry<Key, Held>> it = held.entrySet().iterator();
    while (it.hasNext()) {
      Held h = it.next().getValue();
      if (h.heard().isBefore(before)) {
        bytes -= h.bytes();
        it.remove();
        dropped++;
      }
    }
    return dropped;
  }

  synchronized long bytes() {
    return bytes;
  }

  synchronized int size() {
    return held.size();
  }
}
