package io.aifabric.escrow.bridge;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Lets this service read aifabric resources that carry fields it does not know yet: the operator
 * and the bridges are upgraded one after the other, and a newer one writing a new status field must
 * not stop an older one's informers (fabric8 otherwise fails the watch on the unknown field, and
 * the informer stops for good).
 */
@Singleton
public class NewerFieldsTolerated implements KubernetesClientObjectMapperCustomizer {
  @Override
  public void customize(ObjectMapper mapper) {
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }
}
