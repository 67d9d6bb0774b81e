package io.aifabric.operator.membercluster;

import io.aifabric.operator.membercluster.MemberInventory.NodeUsage;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Asks a member's API server for its version, nodes and GPU usage. */
@ApplicationScoped
public class MemberProbe {
  /** Label on every pod aifabric dispatches: the AIJob's UID. */
  public static final String JOB_UID_LABEL = "aifabric.io/job-uid";

  static final String RBAC_HINT =
      "grant the kubeconfig's user get/list/watch on nodes and pods, and create/delete on"
          + " namespaces, jobs and services (the aifabric chart's member role does)";

  public MemberInventory probe(KubernetesClient member) throws ProbeFailure {
    try {
      String version = member.getKubernetesVersion().getGitVersion();
      // resourceVersion=0: served from the API server's watch cache, not a quorum read from
      // etcd. A probe can be a few milliseconds behind; it repeats anyway, and on a member with a
      // thousand nodes the quorum read was most of the API server's work.
      List<Node> nodes = member.nodes().list(fromWatchCache()).getItems();
      List<Pod> pods =
          member
              .pods()
              .inAnyNamespace()
              .withoutField("status.phase", "Succeeded")
              .withoutField("status.phase", "Failed")
              .list(fromWatchCache())
              .getItems();
      List<GpuNodeInventory> gpuNodes = new ArrayList<>();
      for (Node node : nodes) {
        GpuNodeInventory.of(node).ifPresent(gpuNodes::add);
      }
      return new MemberInventory(version, nodes.size(), gpuNodes, usage(pods));
    } catch (KubernetesClientException e) {
      throw classify(e);
    }
  }

  /** A new one per list: Fabric8 writes the request's selectors into the options it is given. */
  private static ListOptions fromWatchCache() {
    return new ListOptionsBuilder().withResourceVersion("0").build();
  }

  static Map<String, NodeUsage> usage(List<Pod> pods) {
    Map<String, Integer> others = new HashMap<>();
    Map<String, Map<String, Integer>> byJob = new HashMap<>();
    for (Pod pod : pods) {
      String node = pod.getSpec().getNodeName();
      int gpus = gpuRequest(pod);
      if (node == null || gpus == 0) {
        continue;
      }
      Map<String, String> labels = pod.getMetadata().getLabels();
      String job = labels == null ? null : labels.get(JOB_UID_LABEL);
      if (job == null) {
        others.merge(node, gpus, Integer::sum);
      } else {
        byJob.computeIfAbsent(node, n -> new HashMap<>()).merge(job, gpus, Integer::sum);
      }
    }
    Map<String, NodeUsage> usage = new HashMap<>();
    others.forEach((n, g) -> usage.put(n, new NodeUsage(g, byJob.getOrDefault(n, Map.of()))));
    byJob.forEach((n, jobs) -> usage.putIfAbsent(n, new NodeUsage(0, jobs)));
    return usage;
  }

  /** GPUs a pod holds: extended resources have requests equal to limits. */
  static int gpuRequest(Pod pod) {
    int gpus = 0;
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getResources() == null) {
        continue;
      }
      Map<String, Quantity> limits = c.getResources().getLimits();
      Map<String, Quantity> requests = c.getResources().getRequests();
      int g = GpuNodeInventory.gpus(limits);
      gpus += g > 0 ? g : GpuNodeInventory.gpus(requests);
    }
    return gpus;
  }

  static ProbeFailure classify(KubernetesClientException e) {
    if (e.getCode() <= 0) {
      // No HTTP answer at all (Fabric8 reports transport failures as -1): refused, timed out.
      return new ProbeFailure(
          "Unreachable", "the member's API server does not answer: " + rootMessage(e), false);
    }
    return switch (e.getCode()) {
      case 401 ->
          new ProbeFailure(
              "Unauthorized",
              "the member's API server rejected the kubeconfig's credentials (HTTP 401): renew"
                  + " them in the kubeconfig Secret",
              true);
      case 403 ->
          new ProbeFailure(
              "Forbidden",
              "the kubeconfig's user may not read the member's nodes or pods (HTTP 403): "
                  + RBAC_HINT,
              true);
      default ->
          new ProbeFailure(
              "ProbeFailed",
              "the member's API server answered HTTP " + e.getCode() + ": " + e.getMessage(),
              true);
    };
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
