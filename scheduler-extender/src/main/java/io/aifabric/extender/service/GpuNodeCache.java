package io.aifabric.extender.service;

import io.aifabric.extender.GpuRequest;
import io.aifabric.extender.NodeGpus;
import io.aifabric.informers.LostConnectionRetry;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The extender's view of the member cluster, kept by two informers: every Node as {@link NodeGpus}
 * (model, GPUs, the operator's verification labels), and every pod that holds GPUs on a node, fed
 * into the {@link GpuLedger}. With this cache kube-scheduler can send node names only ({@code
 * nodeCacheCapable: true}), which keeps filter requests small at thousands of nodes.
 */
@Singleton // not @ApplicationScoped: filter calls node() thousands of times per request, and a
// client proxy would look the bean up on every call.
public class GpuNodeCache {
  private static final Logger LOG = Logger.getLogger(GpuNodeCache.class);

  private final KubernetesClient client;
  private final GpuLedger ledger;

  /**
   * Every node with its GPUs in use as the ledger counts them now, kept current as the ledger
   * changes: filter and prioritize read thousands of nodes per request and each read is then one
   * map lookup and no copy, while counts change only once per bind or pod event.
   */
  private final Map<String, NodeGpus> nodes = new ConcurrentHashMap<>();

  private SharedIndexInformer<Node> nodeInformer;
  private SharedIndexInformer<Pod> podInformer;

  GpuNodeCache(KubernetesClient client, GpuLedger ledger, MeterRegistry registry) {
    this.client = client;
    this.ledger = ledger;
    // Both updates recompute under the node's map lock from the ledger's count at that moment,
    // so whichever of a Node event and a ledger change comes last leaves the right count.
    ledger.onChange(
        name -> nodes.computeIfPresent(name, (n, gpus) -> gpus.withInUse(ledger.inUse(n))));
    Gauge.builder("aifabric.extender.nodes", nodes, Map::size)
        .description("Nodes in the extender's cache")
        .register(registry);
  }

  void start(@Observes StartupEvent start) {
    nodeInformer =
        start(client.nodes().runnableInformer(0), TrimmedItemStore.nodes(), new NodeHandler());
    podInformer =
        start(
            client.pods().inAnyNamespace().runnableInformer(0),
            TrimmedItemStore.pods(),
            new PodHandler());
    LOG.infof(
        "node cache: %d nodes, %d pods, %d GPUs in use",
        nodes.size(),
        podInformer.getStore().list().size(),
        nodes.keySet().stream().mapToInt(ledger::inUse).sum());
  }

  /** Starts an informer with its store and handler, and waits for its first list. */
  private static <T extends HasMetadata> SharedIndexInformer<T> start(
      SharedIndexInformer<T> informer, ItemStore<T> store, ResourceEventHandler<T> handler) {
    informer.itemStore(store).addEventHandler(handler);
    informer.exceptionHandler(new LostConnectionRetry());
    informer.run();
    return informer;
  }

  void stop(@Observes ShutdownEvent stop) {
    if (podInformer != null) {
      podInformer.stop();
    }
    if (nodeInformer != null) {
      nodeInformer.stop();
    }
  }

  /** True once both informers have listed what is there. */
  public boolean synced() {
    return nodeInformer != null
        && podInformer != null
        && nodeInformer.hasSynced()
        && podInformer.hasSynced();
  }

  /** The node with its GPUs in use now (bound and reserved), if the cache knows it. */
  public Optional<NodeGpus> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  /** The pod from the informer's store, if it is there and still the same pod (UID). */
  public Optional<Pod> pod(String namespace, String name, String uid) {
    Pod pod = podInformer == null ? null : podInformer.getStore().getByKey(namespace + "/" + name);
    return pod != null && pod.getMetadata().getUid().equals(uid)
        ? Optional.of(pod)
        : Optional.empty();
  }

  /** Feeds a pod's state into the ledger; also used when the API server is asked directly. */
  void account(Pod pod) {
    String uid = pod.getMetadata().getUid();
    if (finished(pod)) {
      ledger.podGone(uid);
      return;
    }
    // A terminating pod still counts: its containers hold the GPUs until the kubelet stops them.
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    if (node == null || node.isEmpty()) {
      return; // not bound: holds nothing, and may hold a reservation that must stay
    }
    int gpus = GpuRequest.gpuCount(pod);
    if (gpus > 0) {
      ledger.podBound(uid, node, gpus);
    } else {
      ledger.podGone(uid);
    }
  }

  private static boolean finished(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  private final class NodeHandler implements ResourceEventHandler<Node> {
    @Override
    public void onAdd(Node node) {
      nodes.compute(node.getMetadata().getName(), (n, old) -> NodeGpus.of(node, ledger.inUse(n)));
    }

    @Override
    public void onUpdate(Node old, Node node) {
      onAdd(node);
    }

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
      nodes.remove(node.getMetadata().getName());
    }
  }

  private final class PodHandler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      account(pod);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      account(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      ledger.podGone(pod.getMetadata().getUid());
    }
  }
}
