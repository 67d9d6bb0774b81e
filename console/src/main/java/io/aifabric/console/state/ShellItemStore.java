package io.aifabric.console.state;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.Supplier;

/**
 * An informer cache that keeps only each object's identity (name, namespace, uid, resource
 * version): the console keeps its own compact view of what it shows (NetworkState), so a second,
 * full copy of ten thousand jobs and nodes would only cost memory. The informer still hands its
 * handlers the full objects it read; only what it keeps is the shell.
 */
final class ShellItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final Supplier<T> empty;

  ShellItemStore(Supplier<T> empty) {
    super(Cache::metaNamespaceKeyFunc);
    this.empty = empty;
  }

  @Override
  public T put(String key, T obj) {
    ObjectMeta meta = obj.getMetadata();
    T shell = empty.get();
    shell.setMetadata(
        new ObjectMetaBuilder()
            .withName(meta.getName())
            .withNamespace(meta.getNamespace())
            .withUid(meta.getUid())
            .withResourceVersion(meta.getResourceVersion())
            .build());
    return super.put(key, shell);
  }
}
