package io.aifabric.operator.membercluster;

import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A member's kubeconfig is data a provider hands the host, and the operator must not let it become
 * anything else. Fabric8, like kubectl, runs {@code exec} credential plugins, calls {@code
 * auth-provider}s and reads files named by {@code client-certificate}, {@code client-key}, {@code
 * certificate-authority} and {@code tokenFile}: a provider could make the host operator run a
 * command, or send the operator's own files (its ServiceAccount token) as credentials to a server
 * of the provider's. So only inline credentials are accepted — a token, client certificate and key
 * data, CA data — by an allow-list of keys (anything a future client learns to honour is refused
 * until it is added here on purpose), checked before the kubeconfig is handed to Fabric8 at all.
 */
final class InlineKubeconfig {
  private static final Set<String> TOP =
      Set.of(
          "apiVersion", "kind", "clusters", "contexts", "users", "current-context", "preferences");
  private static final Set<String> CLUSTER =
      Set.of("server", "certificate-authority-data", "tls-server-name", "disable-compression");
  private static final Set<String> USER =
      Set.of("token", "client-certificate-data", "client-key-data");
  private static final Set<String> CONTEXT = Set.of("cluster", "user", "namespace");

  private InlineKubeconfig() {}

  /**
   * @throws UnsafeKubeconfigException naming the first field that is not inline data
   * @throws MemberClients.InvalidKubeconfigException when it is not a kubeconfig at all
   */
  static void check(String kubeconfig) {
    Map<?, ?> root;
    try {
      root = Serialization.unmarshal(kubeconfig, Map.class);
    } catch (RuntimeException e) {
      throw new MemberClients.InvalidKubeconfigException(
          "the kubeconfig cannot be parsed: " + e.getMessage());
    }
    if (root == null) {
      throw new MemberClients.InvalidKubeconfigException("the kubeconfig is empty");
    }
    onlyKeys(root, TOP, "");
    entries(root, "clusters", "cluster", CLUSTER);
    entries(root, "users", "user", USER);
    entries(root, "contexts", "context", CONTEXT);
  }

  /** Each named entry of a list ({@code clusters[].cluster}) holds only the allowed keys. */
  private static void entries(Map<?, ?> root, String list, String field, Set<String> allowed) {
    Object items = root.get(list);
    if (items == null) {
      return;
    }
    if (!(items instanceof List<?> entries)) {
      throw new UnsafeKubeconfigException(list + " is not a list");
    }
    for (Object item : entries) {
      if (!(item instanceof Map<?, ?> named)) {
        throw new UnsafeKubeconfigException(list + " holds something that is not an entry");
      }
      onlyKeys(named, Set.of("name", field), list + "[" + named.get("name") + "].");
      Object body = named.get(field);
      if (body == null) {
        continue;
      }
      if (!(body instanceof Map<?, ?> values)) {
        throw new UnsafeKubeconfigException(
            list + "[" + named.get("name") + "]." + field + " is not a map");
      }
      onlyKeys(values, allowed, list + "[" + named.get("name") + "]." + field + ".");
    }
  }

  private static void onlyKeys(Map<?, ?> map, Set<String> allowed, String path) {
    for (Object key : map.keySet()) {
      if (!allowed.contains(String.valueOf(key))) {
        throw new UnsafeKubeconfigException(
            path
                + key
                + " is not accepted: a member kubeconfig may hold only inline credentials (token,"
                + " client-certificate-data and client-key-data, certificate-authority-data) —"
                + " no exec plugins, auth providers or file paths");
      }
    }
  }

  /** The kubeconfig asks for more than inline credentials. */
  static class UnsafeKubeconfigException extends RuntimeException {
    UnsafeKubeconfigException(String message) {
      super(message);
    }
  }
}
