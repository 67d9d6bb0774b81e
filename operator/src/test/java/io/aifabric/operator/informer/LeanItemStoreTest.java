package io.aifabric.operator.informer;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class LeanItemStoreTest {

  @Test
  void storesObjectsWithoutManagedFieldsOrLastAppliedCopy() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("ns")
            .withResourceVersion("7")
            .addToLabels("app", "x")
            .addToAnnotations(LeanItemStore.LAST_APPLIED, "{\"a big\":\"copy\"}")
            .addToAnnotations("keep", "me")
            .withManagedFields(new ManagedFieldsEntryBuilder().withManager("kubectl").build())
            .endMetadata()
            .build();
    LeanItemStore<Pod> store = new LeanItemStore<>();
    store.put(store.getKey(pod), pod);

    Pod stored = store.get("ns/p");
    assertThat(stored.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(stored.getMetadata().getAnnotations()).containsOnlyKeys("keep");
    assertThat(stored.getMetadata().getLabels()).containsEntry("app", "x");
    assertThat(stored.getMetadata().getResourceVersion()).isEqualTo("7");
    assertThat(store.size()).isEqualTo(1);
  }
}
