package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportStatus;
import io.aifabric.contract.NodeLabels;
import io.aifabric.informers.LostConnectionRetry;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Puts what the network says of each node on the member's Node: the status the operator writes into
 * the node's report on the host (the verdict labels the member's scheduler extender reads, the node
 * agent's broker certificate), as the operator edits a push member's Node itself. Only the keys the
 * network owns ({@link NodeLabels#NETWORK_LABELS}, {@link NodeLabels#NETWORK_ANNOTATIONS}) are ever
 * written, whatever the host asks for; nothing else of a Node changes. Watched (one informer on the
 * agent's namespace on the host, resynced so that a write that failed is made again), compared with
 * the Node as the reporter's informer holds it, and patched only where it differs.
 */
@ApplicationScoped
public class NodeMarksCopier {
  private static final Logger LOG = Logger.getLogger(NodeMarksCopier.class);
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final long RESYNC_MILLIS = 60_000;

  private final KubernetesClient member;
  private final HostConnection connection;
  private final NodeReporter reporter;
  private SharedIndexInformer<NodeReport> reports;

  public NodeMarksCopier(
      KubernetesClient member, HostConnection connection, NodeReporter reporter) {
    this.member = member;
    this.connection = connection;
    this.reporter = reporter;
  }

  // After the reporter (default priority, 2500), whose Node informer this reads.
  void start(@Observes @Priority(3000) StartupEvent start) {
    reports =
        LostConnectionRetry.inform(
            connection.host().resources(NodeReport.class).inNamespace(connection.namespace()),
            new Copy(),
            RESYNC_MILLIS);
  }

  void stop(@Observes ShutdownEvent stop) {
    if (reports != null) {
      reports.close();
    }
  }

  private void copy(NodeReport report) {
    String name = report.getMetadata().getName();
    Optional<Node> node = reporter.node(name);
    if (report.getStatus() == null || node.isEmpty()) {
      return;
    }
    Map<String, Map<String, String>> patch = patch(node.get(), report.getStatus());
    if (patch.isEmpty()) {
      return;
    }
    try {
      member
          .nodes()
          .withName(name)
          .patch(PatchContext.of(PatchType.JSON_MERGE), JSON.asJson(Map.of("metadata", patch)));
      LOG.infof("node %s: put the network's %s on it", name, patch.keySet());
    } catch (KubernetesClientException e) {
      // The informer's resync brings the report round again.
      LOG.warnf("node %s: could not put the network's marks on it: %s", name, e.getMessage());
    }
  }

  /**
   * The metadata merge patch that brings the Node's network-owned labels and annotations in line
   * with the report's status (a null value removes a label), or empty when they are. A network
   * label the status does not carry goes, once the status carries any (the operator always writes
   * its whole verdict); an annotation is only ever set.
   */
  static Map<String, Map<String, String>> patch(Node node, NodeReportStatus marks) {
    Map<String, Map<String, String>> patch = new HashMap<>();
    Map<String, String> labels = orEmpty(node.getMetadata().getLabels());
    Map<String, String> wantLabels = orEmpty(marks.getLabels());
    if (!wantLabels.isEmpty()) {
      Map<String, String> change = new HashMap<>();
      for (String key : NodeLabels.NETWORK_LABELS) {
        if (!Objects.equals(labels.get(key), wantLabels.get(key))) {
          change.put(key, wantLabels.get(key));
        }
      }
      if (!change.isEmpty()) {
        patch.put("labels", change);
      }
    }
    Map<String, String> annotations = orEmpty(node.getMetadata().getAnnotations());
    Map<String, String> wantAnnotations = orEmpty(marks.getAnnotations());
    Map<String, String> change = new HashMap<>();
    for (String key : NodeLabels.NETWORK_ANNOTATIONS) {
      String want = wantAnnotations.get(key);
      if (want != null && !want.equals(annotations.get(key))) {
        change.put(key, want);
      }
    }
    if (!change.isEmpty()) {
      patch.put("annotations", change);
    }
    return patch;
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }

  private final class Copy implements ResourceEventHandler<NodeReport> {
    @Override
    public void onAdd(NodeReport report) {
      copy(report);
    }

    @Override
    public void onUpdate(NodeReport before, NodeReport after) {
      copy(after);
    }

    @Override
    public void onDelete(NodeReport report, boolean deletedFinalStateUnknown) {
      // The host forgot the node (it left, or the member left): nothing to put on it.
    }
  }
}
