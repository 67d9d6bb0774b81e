package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportSpec;
import io.aifabric.informers.LostConnectionRetry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Reports the member's GPU nodes to the host, one {@link NodeReport} per node in the member's
 * namespace there, from informers on the member's Nodes and unfinished Pods: what changed is
 * written (at most once per report interval), a node that went is deleted, and nothing is written
 * while nothing changes. The member's API server is watched, never polled; the host gets a write
 * per changed node.
 */
@ApplicationScoped
public class NodeReporter {
  private static final Logger LOG = Logger.getLogger(NodeReporter.class);
  static final String FIELD_MANAGER = "aifabric-member-agent";
  private static final int UNPROCESSABLE = 422;

  private final KubernetesClient member;
  private final HostConnection connection;
  private final AtomicBoolean changed = new AtomicBoolean(true);

  /** What the host holds, by node: written by this agent, or found there at start. */
  private final Map<String, NodeReportSpec> reported = new HashMap<>();

  /** Reports the host refused as invalid, by node: not sent again until the node changes. */
  private final Map<String, NodeReportSpec> refused = new HashMap<>();

  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Pod> pods;
  private volatile boolean started;
  private volatile String kubernetesVersion;

  public NodeReporter(KubernetesClient member, HostConnection connection) {
    this.member = member;
    this.connection = connection;
  }

  void start(@Observes StartupEvent start) {
    KubernetesClient host = connection.host();
    for (NodeReport held :
        host.resources(NodeReport.class).inNamespace(connection.namespace()).list().getItems()) {
      reported.put(held.getMetadata().getName(), held.getSpec());
    }
    ResourceEventHandler<HasMetadata> marks = new ChangeMark();
    nodes = LostConnectionRetry.inform(member.nodes(), cast(marks), 0);
    pods =
        LostConnectionRetry.inform(
            member
                .pods()
                .inAnyNamespace()
                .withoutField("status.phase", "Succeeded")
                .withoutField("status.phase", "Failed"),
            cast(marks),
            0);
    kubernetesVersion = member.getKubernetesVersion().getGitVersion();
    started = true;
    flush();
  }

  void stop(@Observes ShutdownEvent stop) {
    if (nodes != null) {
      nodes.close();
    }
    if (pods != null) {
      pods.close();
    }
  }

  /** The member's Kubernetes version, once started. */
  String kubernetesVersion() {
    return kubernetesVersion;
  }

  /** The member's Node of that name as the informer holds it, once started. */
  Optional<Node> node(String name) {
    return nodes == null ? Optional.empty() : Optional.ofNullable(nodes.getStore().getByKey(name));
  }

  /** How many Nodes the member has (with GPUs or not), once started. */
  int nodeCount() {
    return nodes == null ? 0 : nodes.getStore().list().size();
  }

  /** Writes the reports of the nodes that changed since the last flush; deletes gone ones. */
  @Scheduled(every = "${aifabric.member-agent.report-interval}", delayed = "1s")
  synchronized void flush() {
    if (!started || !changed.getAndSet(false)) {
      return;
    }
    Map<String, List<Pod>> podsByNode = new HashMap<>();
    for (Pod pod : pods.getStore().list()) {
      String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
      if (node != null) {
        podsByNode.computeIfAbsent(node, n -> new ArrayList<>()).add(pod);
      }
    }
    Set<String> present = new HashSet<>();
    KubernetesClient host = connection.host();
    try {
      for (Node node : nodes.getStore().list()) {
        String name = node.getMetadata().getName();
        var report = NodeReports.of(node, podsByNode.getOrDefault(name, List.of()));
        if (report.isEmpty()) {
          continue;
        }
        present.add(name);
        NodeReportSpec before = reported.get(name);
        if (report.get().equals(before) || report.get().equals(refused.get(name))) {
          continue;
        }
        LOG.debugf("node %s: %s changed", name, NodeReports.differences(before, report.get()));
        NodeReport object = new NodeReport();
        object.setMetadata(
            new ObjectMetaBuilder().withName(name).withNamespace(connection.namespace()).build());
        object.setSpec(report.get());
        try {
          host.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
          reported.put(name, report.get());
          refused.remove(name);
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_BAD_REQUEST && e.getCode() != UNPROCESSABLE) {
            throw e;
          }
          // The host refuses this report as it is: sending it again cannot help. It is sent
          // again when the node changes.
          refused.put(name, report.get());
          LOG.warnf(
              "the host refused the report of node %s (HTTP %d): %s",
              name,
              e.getCode(),
              e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage());
        }
      }
      for (String gone : new ArrayList<>(reported.keySet())) {
        if (!present.contains(gone)) {
          host.resources(NodeReport.class)
              .inNamespace(connection.namespace())
              .withName(gone)
              .delete();
          reported.remove(gone);
          refused.remove(gone);
          LOG.infof("node %s has no GPUs or is gone: its report is removed", gone);
        }
      }
    } catch (RuntimeException e) {
      // The host is unreachable or overloaded: try again at the next interval, with everything
      // that is still different.
      changed.set(true);
      LOG.warnf("reporting the member's nodes failed, retrying: %s", e.getMessage());
    }
  }

  /** Any change to a Node or a Pod marks the reports for the next flush. */
  private final class ChangeMark implements ResourceEventHandler<HasMetadata> {
    @Override
    public void onAdd(HasMetadata obj) {
      changed.set(true);
    }

    @Override
    public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
      changed.set(true);
    }

    @Override
    public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
      changed.set(true);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends HasMetadata> ResourceEventHandler<T> cast(
      ResourceEventHandler<HasMetadata> handler) {
    return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
  }
}
