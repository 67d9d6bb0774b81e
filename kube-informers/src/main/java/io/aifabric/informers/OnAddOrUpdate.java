package io.aifabric.informers;

import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.function.Consumer;

/**
 * An informer handler for watchers that act on an object's latest state and have nothing to do when
 * it is deleted (a pod to open inputs for, to seal outputs of, to sign a receipt for).
 */
public final class OnAddOrUpdate<T> implements ResourceEventHandler<T> {
  private final Consumer<T> consider;

  public OnAddOrUpdate(Consumer<T> consider) {
    this.consider = consider;
  }

  @Override
  public void onAdd(T obj) {
    consider.accept(obj);
  }

  @Override
  public void onUpdate(T before, T now) {
    consider.accept(now);
  }

  @Override
  public void onDelete(T obj, boolean finalStateUnknown) {
    // Nothing to do: what the watcher did for the object stays done.
  }
}
