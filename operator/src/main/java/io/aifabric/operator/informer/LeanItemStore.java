package io.aifabric.operator.informer;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.Map;

/**
 * An informer cache that keeps objects without the parts the operator never reads: managed fields
 * (a large share of every object once a few field managers have written it) and kubectl's
 * last-applied copy of the whole object. With 10,000 AIJobs this is the difference between fitting
 * the memory budget and not. The objects stay full objects otherwise ({@link #isFullState()}), so
 * status patches built from them are unaffected: server-side apply sends no managed fields anyway.
 */
public class LeanItemStore<T extends HasMetadata> extends BasicItemStore<T> {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  public LeanItemStore() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public T put(String key, T obj) {
    return super.put(key, slim(obj));
  }

  static <T extends HasMetadata> T slim(T obj) {
    ObjectMeta meta = obj.getMetadata();
    if (meta != null) {
      meta.setManagedFields(null);
      Map<String, String> annotations = meta.getAnnotations();
      if (annotations != null) {
        annotations.remove(LAST_APPLIED);
      }
    }
    return obj;
  }
}
