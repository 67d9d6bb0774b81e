package io.aifabric.console;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.api.v1alpha1.membercluster.GpuCapacity;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterSpec;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.ArrayList;
import java.util.List;

/** Host objects as the operator writes them, for the console's tests. */
public final class Objects {
  private Objects() {}

  public static Condition condition(String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime("2026-12-05T10:00:00Z")
        .build();
  }

  public static ComputeNode node(
      String cluster, String node, String product, int gpus, boolean verified, boolean available) {
    ComputeNode cn = new ComputeNode();
    cn.setMetadata(new ObjectMetaBuilder().withName(cluster + "." + node).build());
    ComputeNodeSpec spec = new ComputeNodeSpec();
    spec.setCluster(cluster);
    spec.setNodeName(node);
    cn.setSpec(spec);
    ComputeNodeStatus status = new ComputeNodeStatus();
    GpuInventory gpu = new GpuInventory();
    gpu.setProduct(product);
    gpu.setCount(gpus);
    gpu.setMemoryMiB(81559);
    status.setGpu(gpu);
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(
        "0x" + Integer.toHexString(node.hashCode()) + "00000000000000000000000000000000");
    status.setIdentity(identity);
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Registered", true, "Registered", "keys recorded"),
                condition("Verified", verified, verified ? "Matched" : "Mismatch", "report"),
                condition("Available", available, "Heartbeats", "signed heartbeats"))));
    cn.setStatus(status);
    return cn;
  }

  public static MemberCluster member(String name, boolean ready, String model, int inUse) {
    MemberCluster m = new MemberCluster();
    m.setMetadata(new ObjectMetaBuilder().withName(name).build());
    MemberClusterSpec spec = new MemberClusterSpec();
    spec.setRegion("eu-west-1");
    m.setSpec(spec);
    MemberClusterStatus status = new MemberClusterStatus();
    GpuCapacity capacity = new GpuCapacity();
    capacity.setModel(model);
    capacity.setTotal(16);
    capacity.setAllocatable(16);
    capacity.setInUse(inUse);
    status.setGpuCapacity(new ArrayList<>(List.of(capacity)));
    status.setConditions(
        new ArrayList<>(List.of(condition("Ready", ready, ready ? "Probed" : "Unreachable", "x"))));
    m.setStatus(status);
    return m;
  }

  public static AIJob job(
      String name, JobPhase phase, String cluster, long gpuSeconds, String cost, Long block) {
    AIJob job = new AIJob();
    job.setMetadata(
        new ObjectMetaBuilder().withNamespace("ml").withName(name).withUid("uid-" + name).build());
    AIJobSpec spec = new AIJobSpec();
    GpuResources resources = new GpuResources();
    resources.setGpusPerReplica(1);
    spec.setResources(resources);
    job.setSpec(spec);
    AIJobStatus status = new AIJobStatus();
    status.setPhase(phase);
    if (cluster != null) {
      Placement placement = new Placement();
      placement.setCluster(cluster);
      placement.setNodes(new ArrayList<>(List.of("gpu-0")));
      status.setPlacement(placement);
    }
    status.setGpuSeconds(gpuSeconds);
    status.setCost(cost);
    if (block != null) {
      Settlement settlement = new Settlement();
      settlement.setBatch("settlement-0-0");
      settlement.setTxHash("0xabc" + block);
      settlement.setBlockNumber(block);
      status.setSettlement(settlement);
    }
    job.setStatus(status);
    return job;
  }
}
