package io.aifabric.protocol;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands messages from the thread that receives them (an MQTT event loop) to one worker of its own,
 * in order, bounded in bytes: what arrives while the queue is full is dropped and counted, and the
 * receiving thread never waits. The MQTT source a consumer reads from fails for good when that
 * consumer falls behind its buffer (SmallRye's source overflows and stops), so a flood of messages
 * anyone can send — signed junk, from fresh keys — must cost messages, never the subscription.
 */
public final class BoundedHandoff implements AutoCloseable {
  /** What the worker does with each message. */
  @FunctionalInterface
  public interface Sink {
    void accept(String topic, byte[] payload);
  }

  private record Item(String topic, byte[] payload) {}

  private static final System.Logger LOG = System.getLogger(BoundedHandoff.class.getName());
  private static final int OVERHEAD = 96;

  private final LinkedBlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final long maxBytes;
  private final Thread worker;
  private volatile boolean closed;

  public BoundedHandoff(String name, long maxBytes, Sink sink) {
    this.maxBytes = maxBytes;
    this.worker =
        new Thread(
            () -> {
              while (!closed) {
                Item item;
                try {
                  item = queue.take();
                } catch (InterruptedException e) {
                  return;
                }
                try {
                  sink.accept(item.topic(), item.payload());
                } catch (RuntimeException e) {
                  LOG.log(
                      System.Logger.Level.WARNING,
                      name + ": a message on " + item.topic() + " could not be handled",
                      e);
                } finally {
                  // Counted until handled: the message being handled is in memory too.
                  bytes.addAndGet(-cost(item.payload()));
                }
              }
            },
            name);
    worker.setDaemon(true);
    worker.start();
  }

  /**
   * @return false when the queue is full and the message was dropped
   */
  public boolean offer(String topic, byte[] payload) {
    long cost = cost(payload);
    if (bytes.addAndGet(cost) > maxBytes) {
      bytes.addAndGet(-cost);
      dropped.incrementAndGet();
      return false;
    }
    queue.add(new Item(topic, payload));
    return true;
  }

  public long queuedBytes() {
    return bytes.get();
  }

  public long dropped() {
    return dropped.get();
  }

  private static long cost(byte[] payload) {
    return payload.length + OVERHEAD;
  }

  @Override
  public void close() {
    closed = true;
    worker.interrupt();
  }
}
