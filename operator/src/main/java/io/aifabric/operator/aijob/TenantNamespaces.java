package io.aifabric.operator.aijob;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenant namespaces of the network's work in members ({@code aifabric-<namespace>}): labelled
 * as the operator's and Pod Security {@code restricted}, which is what the member chart's admission
 * policy requires of every namespace the host writes to. Applied once per member and remembered; a
 * namespace deleted behind the operator's back is forgotten when a write into it fails with 404,
 * and applied again on the retry.
 */
@ApplicationScoped
public class TenantNamespaces {
  static final String FIELD_MANAGER = "aifabric-operator";
  private static final PatchContext APPLY =
      new PatchContext.Builder()
          .withPatchType(PatchType.SERVER_SIDE_APPLY)
          .withFieldManager(FIELD_MANAGER)
          .withForce(true)
          .build();

  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  public void ensure(String cluster, KubernetesClient member, String namespace) {
    if (ensured.contains(cluster + "/" + namespace)) {
      return;
    }
    member.namespaces().resource(manifest(namespace)).patch(APPLY);
    ensured.add(cluster + "/" + namespace);
  }

  /** A tenant namespace as the network creates it in any member. */
  static io.fabric8.kubernetes.api.model.Namespace manifest(String namespace) {
    return new NamespaceBuilder()
        .withNewMetadata()
        .withName(namespace)
        .addToLabels(DispatchNames.MANAGED_BY, DispatchNames.OPERATOR)
        .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
        .endMetadata()
        .build();
  }

  public void forget(String cluster, String namespace) {
    ensured.remove(cluster + "/" + namespace);
  }
}
