package io.aifabric.console.state;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.console.view.BatchView;
import io.aifabric.console.view.JobEvent;
import io.aifabric.console.view.JobView;
import io.aifabric.console.view.MemberView;
import io.aifabric.console.view.NodeView;
import io.aifabric.informers.LostConnectionRetry;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One informer per kind the console shows — MemberClusters, ComputeNodes, AIJobs, SettlementBatches
 * — each a list and a watch on the host API, however many pages are served: a page reads {@link
 * NetworkState}, never the API server. They only get, list and watch.
 */
@Singleton
public class HostInformers {
  private static final Logger LOG = Logger.getLogger(HostInformers.class);
  static final long LIST_PAGE = 500;

  private final KubernetesClient host;
  private final NetworkState state;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  HostInformers(KubernetesClient host, NetworkState state) {
    this.host = host;
    this.state = state;
  }

  void start(@Observes StartupEvent start) {
    inform(
        host.resources(MemberCluster.class).inAnyNamespace(),
        MemberCluster::new,
        m -> state.putMember(MemberView.of(m)),
        m -> state.removeMember(m.getMetadata().getName()));
    inform(
        host.resources(ComputeNode.class).inAnyNamespace(),
        ComputeNode::new,
        n -> state.putNode(NodeView.of(n)),
        n -> state.removeNode(n.getMetadata().getName()));
    inform(
        host.resources(AIJob.class).inAnyNamespace(),
        AIJob::new,
        j -> state.putJob(JobView.of(j)),
        j -> state.removeJob(j.getMetadata().getNamespace() + "/" + j.getMetadata().getName()));
    inform(
        host.resources(SettlementBatch.class).inAnyNamespace(),
        SettlementBatch::new,
        b -> state.putBatch(BatchView.of(b)),
        b -> state.removeBatch(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()));
    // Only Events about AIJobs (a field selector the API server applies): the jobs' timelines.
    inform(
        host.v1().events().inAnyNamespace().withField("involvedObject.kind", "AIJob"),
        Event::new,
        e -> state.putEvent(JobEvent.jobKey(e), JobEvent.of(e)),
        e -> state.removeEvent(JobEvent.jobKey(e), e.getMetadata().getUid()));
    LOG.infof(
        "console: %d members, %d jobs, version %d",
        state.members().size(), state.summary().jobs(), state.version());
  }

  void stop(@Observes ShutdownEvent stop) {
    informers.forEach(SharedIndexInformer::stop);
  }

  private <T extends HasMetadata> void inform(
      Informable<T> source, Supplier<T> empty, Consumer<T> put, Consumer<T> remove) {
    SharedIndexInformer<T> informer = source.withLimit(LIST_PAGE).runnableInformer(0);
    informer
        .itemStore(new ShellItemStore<>(empty))
        .addEventHandler(
            new ResourceEventHandler<T>() {
              @Override
              public void onAdd(T obj) {
                put.accept(obj);
              }

              @Override
              public void onUpdate(T old, T now) {
                put.accept(now);
              }

              @Override
              public void onDelete(T obj, boolean finalStateUnknown) {
                remove.accept(obj);
              }
            });
    informer.exceptionHandler(new LostConnectionRetry());
    // Waits for the first list: the console serves pages once it knows the network.
    informer.run();
    informers.add(informer);
  }
}
