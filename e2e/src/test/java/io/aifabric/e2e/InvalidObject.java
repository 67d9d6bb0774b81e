package io.aifabric.e2e;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A valid object with one field set to a bad value, and the message the API server must answer
 * with. Built on generic maps so that values of the wrong type (a string for an integer) can be
 * sent, which the typed classes would not allow.
 */
record InvalidObject(String name, String baseYaml, String path, Object value, String expected) {

  @Override
  public String toString() {
    return name;
  }

  /** The base object unchanged: for checking that the base itself is valid. */
  static InvalidObject valid(String baseYaml) {
    return new InvalidObject("valid", baseYaml, null, null, "");
  }

  /**
   * The base object with {@link #path} (dotted, from the root, under spec) set to {@link #value}; a
   * null value removes the field.
   */
  GenericKubernetesResource object(String namespace, String objectName) {
    GenericKubernetesResource resource =
        Serialization.unmarshal(baseYaml, GenericKubernetesResource.class);
    resource.getMetadata().setName(objectName);
    if (resource.getKind().equals("MemberCluster") || resource.getKind().equals("ComputeNode")) {
      resource.getMetadata().setNamespace(null);
    } else {
      resource.getMetadata().setNamespace(namespace);
    }
    if (path == null) {
      return resource;
    }
    Map<String, Object> node = resource.getAdditionalProperties();
    String[] keys = path.split("\\.");
    for (int i = 0; i < keys.length - 1; i++) {
      node = child(node, keys[i]);
    }
    if (value == null) {
      node.remove(keys[keys.length - 1]);
    } else {
      node.put(keys[keys.length - 1], value);
    }
    return resource;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> node, String key) {
    Object next = node.get(key);
    if (next instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    node.put(key, created);
    return created;
  }
}
