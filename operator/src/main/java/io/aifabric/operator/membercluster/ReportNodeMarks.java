package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.Map;

/**
 * A pull member's Nodes, reached through their reports on the host: the marks go into the report's
 * status (a JSON merge patch of the status subresource, which the agent may not write; a null value
 * removes a key), and the member's agent puts them on the Node.
 */
record ReportNodeMarks(KubernetesClient host, String namespace) implements NodeMarks {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Override
  public void label(String node, Map<String, String> labels) {
    patch(node, "labels", labels);
  }

  @Override
  public void annotate(String node, String key, String value) {
    patch(node, "annotations", Map.of(key, value));
  }

  private void patch(String node, String field, Map<String, String> values) {
    // HashMap: the patch says null for a key that goes.
    Map<String, Object> status = Map.of(field, new HashMap<>(values));
    host.resources(NodeReport.class)
        .inNamespace(namespace)
        .withName(node)
        .subresource("status")
        .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(Map.of("status", status)));
  }
}
