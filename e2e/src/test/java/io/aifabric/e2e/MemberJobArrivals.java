package io.aifabric.e2e;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each AIJob's Job appeared in the members (System.nanoTime of the first watch event for it),
 * by the AIJob's name: the far end of the dispatch benchmarks.
 */
final class MemberJobArrivals implements AutoCloseable {
  private final Map<String, Long> created = new ConcurrentHashMap<>();
  private final List<Watch> watches = new ArrayList<>();

  static MemberJobArrivals watching(Collection<KubernetesClient> members) {
    MemberJobArrivals arrivals = new MemberJobArrivals();
    for (KubernetesClient member : members) {
      arrivals.watches.add(
          member
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .withLabel("app.kubernetes.io/managed-by", "aifabric-operator")
              .watch(arrivals.new Arrived()));
    }
    return arrivals;
  }

  boolean arrived(Collection<String> jobNames) {
    return created.keySet().containsAll(jobNames);
  }

  long at(String jobName) {
    return created.get(jobName);
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }

  private final class Arrived implements Watcher<Job> {
    @Override
    public void eventReceived(Action action, Job job) {
      if (action == Action.ADDED) {
        created.putIfAbsent(
            job.getMetadata().getLabels().get("aifabric.io/job-name"), System.nanoTime());
      }
    }

    @Override
    public void onClose(WatcherException cause) {}
  }
}
