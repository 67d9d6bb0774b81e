package io.aifabric.operator.membercluster;

import io.aifabric.operator.OperatorConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Sends a probe's independent API writes (one per node) a few at a time instead of one after
 * another, and waits for all of them. Each write still runs on its own: one that fails does not
 * stop the others, and the first failure is rethrown once all have finished, so the next probe
 * retries what did not land.
 */
@ApplicationScoped
public class ProbeWrites {
  private final ExecutorService pool;

  public ProbeWrites(OperatorConfig config) {
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            config.member().writeConcurrency(),
            r -> {
              Thread t = new Thread(r, "probe-write-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** Applies {@code write} to every item, a few at once; results in the items' order. */
  public <T, R> List<R> each(List<T> items, Function<T, R> write) {
    if (items.size() <= 1) {
      return items.stream().map(write).toList();
    }
    List<CompletableFuture<R>> pending = new ArrayList<>(items.size());
    for (T item : items) {
      pending.add(CompletableFuture.supplyAsync(() -> write.apply(item), pool));
    }
    List<R> results = new ArrayList<>(items.size());
    RuntimeException first = null;
    for (CompletableFuture<R> f : pending) {
      try {
        results.add(f.join());
      } catch (CompletionException e) {
        results.add(null);
        if (first == null) {
          first =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new IllegalStateException(e.getCause());
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return results;
  }

  @PreDestroy
  void stop() {
    pool.shutdownNow();
  }
}
