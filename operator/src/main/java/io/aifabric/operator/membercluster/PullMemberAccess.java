package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.operator.OperatorConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * A pull member's place on the host. The member's agent dials out to the host; the host holds no
 * credential for the member, and the agent's identity reaches its own namespace and nothing else:
 *
 * <ul>
 *   <li>a namespace of its own, {@code aifabric-member-<name>}, owned by the MemberCluster (it goes
 *       when the member goes);
 *   <li>the agent's ServiceAccount, bound there to the agent ClusterRole the control-plane chart
 *       defines (its work, its Lease, its own token);
 *   <li>until the agent has joined, a joiner ServiceAccount whose only right is to mint the agent's
 *       token. A join token is a short-lived token of the joiner that a host admin hands the
 *       provider ({@code aifabric join-token}); the agent trades it for its own. Once the agent's
 *       Lease exists the joiner is deleted, and every join token with it: a join token works once.
 *   <li>a re-join ({@code aifabric join-token --rejoin}, for an agent whose token expired while it
 *       was off, or one that may have leaked): the host admin deletes the agent's ServiceAccount
 *       (every token of it dies with it) and its Lease; the operator, seeing no Lease, applies the
 *       agent's identity and the joiner again.
 * </ul>
 *
 * <p>The operator only binds the two ClusterRoles (RBAC {@code bind} on those names): it holds none
 * of their rights itself, and mints no token.
 */
@ApplicationScoped
public class PullMemberAccess {
  static final String FIELD_MANAGER = "aifabric-operator";

  private final OperatorConfig config;
  private final PullLeases leases;

  /**
   * Members whose namespace and agent identity this operator has applied (by name and UID): applied
   * once per member, not every probe. A re-created member (new UID) is applied again.
   */
  private final java.util.Set<String> applied = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Members whose joiner this operator has applied, while their agent had not joined. */
  private final java.util.Set<String> joiners = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public PullMemberAccess(OperatorConfig config, PullLeases leases) {
    this.config = config;
    this.leases = leases;
  }

  /**
   * Keeps the member's namespace, the agent's identity and, until it joined, the joiner.
   *
   * @param joined whether the member's status already says the agent joined (the joiner was deleted
   *     then: not asked to delete again every probe)
   * @return the agent's Lease, once it has joined
   */
  public Optional<Lease> reconcile(KubernetesClient host, MemberCluster member, boolean joined) {
    String name = member.getMetadata().getName();
    String ns = PullMember.namespace(name);
    String key = name + "/" + member.getMetadata().getUid();
    if (!applied.contains(key)) {
      apply(
          host,
          new NamespaceBuilder()
              .withNewMetadata()
              .withName(ns)
              .withLabels(Map.of(PullMember.MEMBER_LABEL, name))
              .withOwnerReferences(
                  new OwnerReferenceBuilder()
                      .withApiVersion(HasMetadata.getApiVersion(MemberCluster.class))
                      .withKind(HasMetadata.getKind(MemberCluster.class))
                      .withName(name)
                      .withUid(member.getMetadata().getUid())
                      .build())
              .endMetadata()
              .build());
      identity(host, ns, PullMember.AGENT, config.member().pullAgentRole());
      applied.add(key);
    }
    Optional<Lease> lease = leases.lease(name);
    if (lease.isEmpty()) {
      if (joiners.add(key)) {
        // The agent's identity again too: a re-join (aifabric join-token --rejoin) deleted it,
        // and with it every token of the old one.
        identity(host, ns, PullMember.AGENT, config.member().pullAgentRole());
        identity(host, ns, PullMember.JOINER, config.member().pullJoinerRole());
      }
    } else if (!joined) {
      // Joining: no join token works any more (they are the joiner's, and it is gone). Deleted
      // before the status says Joined, so a crash in between deletes again next time.
      host.rbac().roleBindings().inNamespace(ns).withName(PullMember.JOINER).delete();
      host.serviceAccounts().inNamespace(ns).withName(PullMember.JOINER).delete();
      joiners.remove(key);
    }
    return lease;
  }

  /** The member left: what was applied for it is applied again should it join again. */
  void forget(MemberCluster member) {
    String key = member.getMetadata().getName() + "/" + member.getMetadata().getUid();
    applied.remove(key);
    joiners.remove(key);
  }

  /** A ServiceAccount and its RoleBinding to one ClusterRole, in the member's namespace. */
  private static void identity(KubernetesClient host, String ns, String name, String clusterRole) {
    apply(
        host,
        new ServiceAccountBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .endMetadata()
            .withAutomountServiceAccountToken(false)
            .build());
    apply(
        host,
        new RoleBindingBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(name)
            .endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", clusterRole)
            .addNewSubject()
            .withKind("ServiceAccount")
            .withName(name)
            .withNamespace(ns)
            .endSubject()
            .build());
  }

  private static void apply(KubernetesClient host, HasMetadata object) {
    host.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }
}
