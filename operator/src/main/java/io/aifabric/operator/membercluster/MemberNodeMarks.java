package io.aifabric.operator.membercluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;

/** A push member's Nodes, edited through its API server with the host's identity there. */
record MemberNodeMarks(KubernetesClient member) implements NodeMarks {
  @Override
  public void label(String node, Map<String, String> labels) {
    member
        .nodes()
        .withName(node)
        .edit(
            n -> {
              labels.forEach(
                  (k, v) -> {
                    if (v == null) {
                      n.getMetadata().getLabels().remove(k);
                    } else {
                      n.getMetadata().getLabels().put(k, v);
                    }
                  });
              return n;
            });
  }

  @Override
  public void annotate(String node, String key, String value) {
    member
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put(key, value);
              return n;
            });
  }
}
