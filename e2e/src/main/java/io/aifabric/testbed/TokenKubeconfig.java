package io.aifabric.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A kubeconfig for one of the test bed's clusters that authenticates with a ServiceAccount token,
 * as a pod of that ServiceAccount would: the component under test then has exactly the RBAC its
 * chart grants, nothing of the admin's.
 */
final class TokenKubeconfig {
  private TokenKubeconfig() {}

  /** An hour's token bound to no object. */
  static TokenRequest anHour() {
    return new TokenRequestBuilder().withNewSpec().withExpirationSeconds(3600L).endSpec().build();
  }

  /**
   * A kubeconfig named {@code name} with a token the cluster issues for the ServiceAccount {@code
   * namespace/account} on {@code request}.
   */
  static Path forServiceAccount(
      TestBed bed,
      String cluster,
      String namespace,
      String account,
      TokenRequest request,
      String name) {
    String token =
        bed.client(cluster)
            .serviceAccounts()
            .inNamespace(namespace)
            .withName(account)
            .tokenRequest(request)
            .getStatus()
            .getToken();
    return write(bed, cluster, name, token);
  }

  private static Path write(TestBed bed, String cluster, String name, String token) {
    try {
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
      JsonNode admin = yaml.readTree(bed.kubeconfig(cluster).toFile());
      JsonNode server = admin.path("clusters").get(0).path("cluster");
      Map<String, Object> kubeconfig =
          Map.of(
              "apiVersion",
              "v1",
              "kind",
              "Config",
              "clusters",
              List.of(Map.of("name", cluster, "cluster", server)),
              "users",
              List.of(Map.of("name", name, "user", Map.of("token", token))),
              "contexts",
              List.of(Map.of("name", name, "context", Map.of("cluster", cluster, "user", name))),
              "current-context",
              name);
      Path file = bed.dir().resolve(cluster).resolve(name + "-kubeconfig");
      Files.createDirectories(file.getParent());
      Files.writeString(file, yaml.writeValueAsString(kubeconfig));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
