package io.aifabric.extender.service;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.function.Consumer;

/**
 * An informer store that drops, before keeping an object, the parts the extender never reads. At
 * 5,000 nodes the informers' copies of {@code metadata.managedFields} alone (a tree of maps per
 * object) were three quarters of the heap; a real node's {@code status.images} lists every image it
 * has pulled. Event handlers see the trimmed objects too, which is all they read.
 */
final class TrimmedItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  private final Consumer<T> trim;

  private TrimmedItemStore(Consumer<T> trim) {
    super(Cache::metaNamespaceKeyFunc);
    this.trim = trim;
  }

  /** Nodes as {@code NodeGpus} reads them: labels and allocatable resources. */
  static TrimmedItemStore<Node> nodes() {
    return new TrimmedItemStore<>(
        node -> {
          node.getMetadata().setManagedFields(null);
          if (node.getStatus() != null) {
            node.getStatus().setImages(null);
          }
        });
  }

  /** Pods as the GPU ledger and bind read them: node, phase and containers' resources. */
  static TrimmedItemStore<Pod> pods() {
    return new TrimmedItemStore<>(pod -> pod.getMetadata().setManagedFields(null));
  }

  @Override
  public T put(String key, T object) {
    trim.accept(object);
    return super.put(key, object);
  }
}
