package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.operator.informer.LeanItemStore;
import io.aifabric.operator.membercluster.MemberClientClosed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.EventSourceRetriever;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * One pair of informers per member cluster (its aifabric Jobs, their pods), registered with the
 * AIJob controller as JOSDK event sources when a job first needs that member. A change in a member
 * then reconciles the AIJob it belongs to (found from the labels that link every object back), and
 * status comes from the informers' caches instead of two requests per job per status interval. A
 * member whose client is replaced (new kubeconfig) or removed gets its informers stopped; the next
 * job that needs it registers new ones.
 */
@ApplicationScoped
public class MemberWorkWatches {
  private static final Logger LOG = Logger.getLogger(MemberWorkWatches.class);

  private record Watch(KubernetesClient client, MemberWork work) {}

  private final Map<String, Watch> watches = new ConcurrentHashMap<>();
  private final Map<String, Object> locks = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private volatile EventSourceRetriever<AIJob> retriever;

  /**
   * The member's work, watched through this client. Registering blocks until the informers have
   * listed the member once, so a job never reads an empty cache as "nothing there".
   */
  public MemberWork watch(String cluster, KubernetesClient member, Context<AIJob> ctx) {
    Watch current = watches.get(cluster);
    if (current != null && current.client() == member) {
      return current.work();
    }
    synchronized (locks.computeIfAbsent(cluster, c -> new Object())) {
      current = watches.get(cluster);
      if (current != null && current.client() == member) {
        return current.work();
      }
      retriever = ctx.eventSourceRetriever();
      if (current != null) {
        stop(cluster, current);
      }
      MemberWork work = register(cluster, member, ctx);
      watches.put(cluster, new Watch(member, work));
      LOG.infof("member %s: watching its aifabric Jobs and pods", cluster);
      return work;
    }
  }

  void onClientClosed(@Observes MemberClientClosed closed) {
    synchronized (locks.computeIfAbsent(closed.cluster(), c -> new Object())) {
      Watch current = watches.remove(closed.cluster());
      if (current != null) {
        stop(closed.cluster(), current);
      }
    }
  }

  private MemberWork register(String cluster, KubernetesClient member, Context<AIJob> ctx) {
    String prefix = "member/" + cluster + "/" + generation.incrementAndGet();
    var sourceContext = ctx.eventSourceRetriever().eventSourceContextForDynamicRegistration();
    var jobs =
        new InformerEventSource<>(
            watching(Job.class, prefix + "/jobs", member, MemberWorkChanges::jobChanged),
            sourceContext);
    var pods =
        new InformerEventSource<>(
            watching(Pod.class, prefix + "/pods", member, MemberWorkChanges::podChanged),
            sourceContext);
    pods.addIndexers(Map.of(MemberWork.BY_JOB_UID, MemberWorkWatches::jobUid));
    ctx.eventSourceRetriever().dynamicallyRegisterEventSource(jobs);
    ctx.eventSourceRetriever().dynamicallyRegisterEventSource(pods);
    return new MemberWork(jobs, pods);
  }

  /** Every aifabric object of one kind in the member, each leading back to its AIJob. */
  private static <R extends HasMetadata> InformerEventSourceConfiguration<R> watching(
      Class<R> kind, String name, KubernetesClient member, OnUpdateFilter<R> changed) {
    return InformerEventSourceConfiguration.from(kind, AIJob.class)
        .withName(name)
        .withKubernetesClient(member)
        .withWatchAllNamespaces()
        .withLabelSelector(DispatchNames.MANAGED_BY + "=" + DispatchNames.OPERATOR)
        .withSecondaryToPrimaryMapper(MemberWorkWatches::owner)
        .withOnUpdateFilter(changed)
        .withItemStore(new LeanItemStore<>())
        .build();
  }

  private void stop(String cluster, Watch watch) {
    EventSourceRetriever<AIJob> r = retriever;
    if (r == null) {
      return;
    }
    for (String name : watch.work().names()) {
      r.dynamicallyDeRegisterEventSource(name);
    }
    LOG.infof("member %s: stopped watching through its previous client", cluster);
  }

  /** The AIJob a member object belongs to, from the labels every dispatched object carries. */
  static Set<ResourceID> owner(HasMetadata memberObject) {
    Map<String, String> labels = memberObject.getMetadata().getLabels();
    if (labels == null
        || labels.get(DispatchNames.JOB_NAME) == null
        || labels.get(DispatchNames.JOB_NAMESPACE) == null) {
      return Set.of();
    }
    return Set.of(
        new ResourceID(
            labels.get(DispatchNames.JOB_NAME), labels.get(DispatchNames.JOB_NAMESPACE)));
  }

  private static List<String> jobUid(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String uid = labels == null ? null : labels.get(DispatchNames.JOB_UID);
    return uid == null ? List.of() : List.of(uid);
  }
}
