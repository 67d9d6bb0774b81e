package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.operator.proof.GpuUuidRegistry;
import io.aifabric.operator.proof.HardwareReports;
import io.aifabric.operator.proof.NodeKeys;
import io.aifabric.operator.stake.NodeRewardsStatus;
import io.aifabric.operator.stake.NodeStakeStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Keeps one ComputeNode per GPU node of a member, named {@code <cluster>.<node>}: created when a
 * GPU node appears, its inventory and Schedulable/Available conditions kept current, deleted when
 * the node goes. Owned by the MemberCluster, so they go with it.
 */
@ApplicationScoped
public class ComputeNodeSync {
  private static final Logger LOG = Logger.getLogger(ComputeNodeSync.class);
  public static final String CLUSTER_LABEL = "aifabric.io/cluster";

  private final Conditions conditions;
  private final NodeKeys keys;
  private final HardwareReports hardware;
  private final GpuUuidRegistry gpuUuids;
  private final ProbeWrites writes;
  private final NodeRegistrationStatus registration;
  private final NodeStakeStatus stakes;
  private final NodeRewardsStatus rewards;
  private final NodeAvailabilityStatus availability;
  private final NodeVerificationStatus verification;

  /** A ComputeNode and the status the probe found for it. */
  private record StatusWrite(ComputeNode node, ComputeNodeStatus status) {}

  public ComputeNodeSync(
      Conditions conditions,
      NodeKeys keys,
      HardwareReports hardware,
      GpuUuidRegistry gpuUuids,
      ProbeWrites writes,
      NodeRegistrationStatus registration,
      NodeStakeStatus stakes,
      NodeRewardsStatus rewards,
      NodeAvailabilityStatus availability,
      NodeVerificationStatus verification) {
    this.conditions = conditions;
    this.keys = keys;
    this.hardware = hardware;
    this.gpuUuids = gpuUuids;
    this.writes = writes;
    this.registration = registration;
    this.stakes = stakes;
    this.rewards = rewards;
    this.availability = availability;
    this.verification = verification;
  }

  public static String name(String cluster, String node) {
    return cluster + "." + node;
  }

  /** Brings the member's ComputeNodes in line with its inventory; returns them by node name. */
  public Map<String, ComputeNode> sync(
      KubernetesClient host, MemberCluster member, MemberInventory inventory) {
    String cluster = member.getMetadata().getName();
    Map<String, ComputeNode> existing = new HashMap<>();
    for (ComputeNode cn : list(host, cluster)) {
      existing.put(cn.getSpec().getNodeName(), cn);
    }
    List<GpuNodeInventory> appeared =
        inventory.gpuNodes().stream().filter(n -> !existing.containsKey(n.nodeName())).toList();
    for (ComputeNode created :
        writes.each(appeared, n -> host.resource(newComputeNode(member, n.nodeName())).create())) {
      existing.put(created.getSpec().getNodeName(), created);
    }
    List<StatusWrite> statusWrites = new ArrayList<>();
    for (GpuNodeInventory node : inventory.gpuNodes()) {
      ComputeNode cn = existing.remove(node.nodeName());
      ComputeNodeStatus status = copy(cn.getStatus());
      status.setGpu(inventoryOf(node));
      String ready = node.schedulable() ? Conditions.TRUE : Conditions.FALSE;
      conditions.set(
          status.getConditions(),
          "Schedulable",
          ready,
          node.schedulable() ? "NodeReady" : node.ready() ? "NodeCordoned" : "NodeNotReady",
          node.schedulable()
              ? "the member's node is Ready and accepts pods"
              : node.ready() ? "the member's node is cordoned" : "the member's node is not Ready",
          cn.getMetadata().getGeneration());
      conditions.set(
          status.getConditions(),
          "Available",
          ready,
          node.ready() ? "NodeReady" : "NodeNotReady",
          node.ready()
              ? "the member reports the node Ready"
              : "the member reports the node not Ready",
          cn.getMetadata().getGeneration());
      if (Conditions.find(status.getConditions(), "Verified").isEmpty()) {
        conditions.set(
            status.getConditions(),
            "Verified",
            Conditions.UNKNOWN,
            "AwaitingNodeAgent",
            "no node agent has reported measurements for this node yet",
            cn.getMetadata().getGeneration());
      }
      registration.apply(cluster, node, cn, status);
      stakes.apply(cn, status);
      rewards.apply(status);
      availability.apply(node, cn, status);
      verification.apply(node, cn, status);
      statusWrites.add(new StatusWrite(cn, status));
    }
    Map<String, ComputeNode> current = new HashMap<>();
    for (ComputeNode written :
        writes.each(statusWrites, w -> writeStatusIfChanged(host, w.node(), w.status()))) {
      current.put(written.getSpec().getNodeName(), written);
    }
    for (ComputeNode gone : existing.values()) {
      LOG.infof("ComputeNode %s: node left member %s", gone.getMetadata().getName(), cluster);
      keys.forget(gone.getMetadata().getName());
      registration.forget(gone.getMetadata().getName());
      hardware.forget(gone.getMetadata().getName());
      gpuUuids.release(gone.getMetadata().getName());
      host.resource(gone).delete();
    }
    return current;
  }

  /** The member is lost: none of its nodes is available. */
  public void markUnavailable(KubernetesClient host, String cluster, String message) {
    writes.each(
        list(host, cluster),
        cn -> {
          ComputeNodeStatus status = copy(cn.getStatus());
          conditions.set(
              status.getConditions(),
              "Available",
              Conditions.FALSE,
              "ClusterUnreachable",
              message,
              cn.getMetadata().getGeneration());
          return writeStatusIfChanged(host, cn, status);
        });
  }

  private static java.util.List<ComputeNode> list(KubernetesClient host, String cluster) {
    return host.resources(ComputeNode.class).withLabel(CLUSTER_LABEL, cluster).list().getItems();
  }

  private ComputeNode writeStatusIfChanged(
      KubernetesClient host, ComputeNode cn, ComputeNodeStatus status) {
    if (Objects.equals(cn.getStatus(), status)) {
      return cn;
    }
    cn.setStatus(status);
    try {
      // Optimistic: a concurrent writer (the node-agent pipeline) wins, and the next probe retries.
      return host.resource(cn).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return cn;
      }
      throw e;
    }
  }

  private static ComputeNode newComputeNode(MemberCluster member, String node) {
    String cluster = member.getMetadata().getName();
    ComputeNode cn = new ComputeNode();
    cn.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(cluster, node))
            .addToLabels(CLUSTER_LABEL, cluster)
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(member.getApiVersion())
                    .withKind(member.getKind())
                    .withName(cluster)
                    .withUid(member.getMetadata().getUid())
                    .build())
            .build());
    ComputeNodeSpec spec = new ComputeNodeSpec();
    spec.setCluster(cluster);
    spec.setNodeName(node);
    cn.setSpec(spec);
    return cn;
  }

  private static GpuInventory inventoryOf(GpuNodeInventory node) {
    GpuInventory gpu = new GpuInventory();
    gpu.setProduct(node.product());
    gpu.setMemoryMiB(node.memoryMiB());
    gpu.setCount(node.capacity());
    gpu.setDriverVersion(node.driverVersion());
    gpu.setCudaVersion(node.cudaVersion());
    return gpu;
  }

  /** A deep copy to change and compare with what the API server holds. */
  private static ComputeNodeStatus copy(ComputeNodeStatus status) {
    return status == null ? new ComputeNodeStatus() : Serialization.clone(status);
  }
}
