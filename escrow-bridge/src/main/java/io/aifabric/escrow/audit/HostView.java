package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.informers.LostConnectionRetry;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the bridge reads of the host cluster, from Fabric8 informer caches: AIJobs (their placement,
 * run times and payment), MemberClusters (the provider wallet) and ComputeNodes (each node's
 * registered public key). Read-only: the bridge's RBAC lets it list and watch these, and write only
 * AIJob status and SettlementBatches.
 */
@Startup
@ApplicationScoped
public class HostView {
  private final SharedIndexInformer<AIJob> jobs;
  private final SharedIndexInformer<MemberCluster> members;
  private final SharedIndexInformer<ComputeNode> nodes;
  private final KubernetesClient client;

  public HostView(KubernetesClient client, ReceiptAdmission admission) {
    this.client = client;
    this.jobs =
        LostConnectionRetry.inform(
            client.resources(AIJob.class).inAnyNamespace(),
            feeding(admission::jobSeen, admission::jobGone),
            0);
    this.members = LostConnectionRetry.inform(client.resources(MemberCluster.class), null, 0);
    this.nodes =
        LostConnectionRetry.inform(
            client.resources(ComputeNode.class),
            feeding(admission::nodeSeen, admission::nodeGone),
            0);
  }

  /** An informer handler that tells the receipt admission what exists. */
  private static <T> ResourceEventHandler<T> feeding(Consumer<T> seen, Consumer<T> gone) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        seen.accept(obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        seen.accept(newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        gone.accept(obj);
      }
    };
  }

  /** True once every informer has listed what is there. */
  public boolean synced() {
    return jobs.hasSynced() && members.hasSynced() && nodes.hasSynced();
  }

  public AIJob job(String namespace, String name) {
    return jobs.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
  }

  public List<AIJob> jobs() {
    return jobs.getStore().list();
  }

  public MemberCluster member(String name) {
    return name == null ? null : members.getStore().getByKey(name);
  }

  public ComputeNode computeNode(String name) {
    return nodes.getStore().getByKey(name);
  }

  public List<ComputeNode> computeNodes() {
    return nodes.getStore().list();
  }

  /**
   * The ComputeNode with its registered key: from the cache, or, when the cached one has no key,
   * from the API server. An audit that finds no key refuses the job for a while, so a cache a
   * moment behind the node's registration must not be the reason; a node that has no key costs one
   * read per audit of its jobs.
   */
  public ComputeNode registeredNode(String name) {
    ComputeNode cached = computeNode(name);
    if (hasKey(cached)) {
      return cached;
    }
    ComputeNode live = client.resources(ComputeNode.class).withName(name).get();
    return live == null ? cached : live;
  }

  private static boolean hasKey(ComputeNode node) {
    return node != null
        && node.getStatus() != null
        && node.getStatus().getIdentity() != null
        && node.getStatus().getIdentity().getPublicKey() != null;
  }

  @PreDestroy
  void close() {
    jobs.close();
    members.close();
    nodes.close();
  }
}
