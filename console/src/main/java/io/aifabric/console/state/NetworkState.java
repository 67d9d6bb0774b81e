package io.aifabric.console.state;

import io.aifabric.console.view.BatchView;
import io.aifabric.console.view.JobEvent;
import io.aifabric.console.view.JobView;
import io.aifabric.console.view.MemberView;
import io.aifabric.console.view.NetworkSummary;
import io.aifabric.console.view.NodeView;
import io.aifabric.console.view.Paths;
import io.aifabric.console.view.SearchHit;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the console knows: the views of the host's aifabric objects the informers keep current, a
 * version that moves with every change, and the network page's figures, computed once per version
 * (not per request: ten thousand nodes and jobs are read once per change, however many tabs are
 * open).
 */
@Singleton
public class NetworkState {
  static final int SEARCH_LIMIT = 50;

  /** Events kept per job, the newest (Kubernetes itself keeps them for an hour by default). */
  static final int EVENTS_PER_JOB = 20;

  private final Map<String, MemberView> members = new ConcurrentHashMap<>();
  private final Map<String, NodeView> nodes = new ConcurrentHashMap<>();
  private final Map<String, JobView> jobs = new ConcurrentHashMap<>();
  private final Map<String, BatchView> batches = new ConcurrentHashMap<>();
  private final Map<String, List<JobEvent>> events = new ConcurrentHashMap<>();
  private final AtomicLong version = new AtomicLong();
  private final AtomicReference<Summary> summary = new AtomicReference<>();

  private record Summary(long version, NetworkSummary figures) {}

  public void putMember(MemberView member) {
    members.put(member.name(), member);
    changed();
  }

  public void removeMember(String name) {
    members.remove(name);
    changed();
  }

  public void putNode(NodeView node) {
    nodes.put(node.name(), node);
    changed();
  }

  public void removeNode(String name) {
    nodes.remove(name);
    changed();
  }

  public void putJob(JobView job) {
    jobs.put(job.key(), job);
    changed();
  }

  public void removeJob(String key) {
    jobs.remove(key);
    events.remove(key);
    changed();
  }

  public void putBatch(BatchView batch) {
    batches.put(batch.key(), batch);
    changed();
  }

  /**
   * An Event about the job {@code jobKey} (namespace/name), new or updated (its count). Kept only
   * while the console knows the job: anyone who may create Events could otherwise fill its memory
   * with Events about jobs that do not exist.
   */
  public void putEvent(String jobKey, JobEvent event) {
    if (!jobs.containsKey(jobKey)) {
      return;
    }
    events.compute(
        jobKey,
        (k, kept) -> {
          List<JobEvent> next = new ArrayList<>(kept == null ? List.of() : kept);
          next.removeIf(e -> e.uid().equals(event.uid()));
          next.add(event);
          next.sort(
              Comparator.comparing(
                  JobEvent::at, Comparator.nullsFirst(Comparator.<String>naturalOrder())));
          return List.copyOf(next.subList(Math.max(0, next.size() - EVENTS_PER_JOB), next.size()));
        });
    changed();
  }

  public void removeEvent(String jobKey, String uid) {
    events.computeIfPresent(
        jobKey,
        (k, kept) -> {
          List<JobEvent> next = kept.stream().filter(e -> !e.uid().equals(uid)).toList();
          return next.isEmpty() ? null : next;
        });
    changed();
  }

  /** The job's Events kept, oldest first. */
  public List<JobEvent> eventsOf(JobView job) {
    return events.getOrDefault(job.key(), List.of());
  }

  public void removeBatch(String key) {
    batches.remove(key);
    changed();
  }

  public long version() {
    return version.get();
  }

  private void changed() {
    version.incrementAndGet();
  }

  /** The network page's figures as of the current version. */
  public NetworkSummary summary() {
    long now = version.get();
    Summary cached = summary.get();
    if (cached != null && cached.version() == now) {
      return cached.figures();
    }
    Map<String, Integer> inUse = new HashMap<>();
    for (MemberView member : members.values()) {
      for (MemberView.Capacity c : member.capacity()) {
        inUse.merge(c.model(), c.inUse(), Integer::sum);
      }
    }
    NetworkSummary figures =
        NetworkSummary.of(members.values(), nodes.values(), jobs.values(), batches.values(), inUse);
    summary.set(new Summary(now, figures));
    return figures;
  }

  public List<MemberView> members() {
    return sorted(members.values(), Comparator.comparing(MemberView::name));
  }

  public Optional<MemberView> member(String name) {
    return Optional.ofNullable(members.get(name));
  }

  public List<NodeView> nodesOf(String member) {
    return nodes.values().stream()
        .filter(n -> member.equals(n.cluster()))
        .sorted(Comparator.comparing(NodeView::name))
        .toList();
  }

  public Optional<NodeView> node(String name) {
    return Optional.ofNullable(nodes.get(name));
  }

  public Optional<JobView> job(String namespace, String name) {
    return Optional.ofNullable(jobs.get(namespace + "/" + name));
  }

  /** Every job, or those in one phase, by namespace and name. */
  public List<JobView> jobs(String phase) {
    return jobs.values().stream()
        .filter(j -> phase == null || phase.isEmpty() || phase.equals(j.phase()))
        .sorted(Comparator.comparing(JobView::key))
        .toList();
  }

  /** The jobs that ran or run on a node, by namespace and name. */
  public List<JobView> jobsOn(NodeView node) {
    return jobs.values().stream()
        .filter(j -> node.cluster() != null && node.cluster().equals(j.cluster()))
        .filter(j -> j.nodes().contains(node.nodeName()))
        .sorted(Comparator.comparing(JobView::key))
        .limit(SEARCH_LIMIT)
        .toList();
  }

  public Optional<BatchView> batch(String namespace, String name) {
    return Optional.ofNullable(batches.get(namespace + "/" + name));
  }

  /** The batches a job was in (its settlement's, and any whose entries name it). */
  public List<BatchView> batchesOf(JobView job) {
    return batches.values().stream()
        .filter(b -> b.jobKeys().contains(job.key()))
        .sorted(Comparator.comparing(BatchView::key))
        .toList();
  }

  /**
   * Jobs, nodes, members and batches whose name, address or transaction hash contains {@code query}
   * (case-insensitive), at most {@value #SEARCH_LIMIT}.
   */
  public List<SearchHit> search(String query) {
    String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
    List<SearchHit> hits = new ArrayList<>();
    if (q.isEmpty()) {
      return hits;
    }
    for (MemberView m : members()) {
      match(hits, q, "member", m.name(), Paths.member(m.name()), m.name(), m.providerWallet());
    }
    for (NodeView n : sorted(nodes.values(), Comparator.comparing(NodeView::name))) {
      match(hits, q, "node", n.name(), Paths.node(n.name()), n.name(), n.address());
    }
    for (JobView j : sorted(jobs.values(), Comparator.comparing(JobView::key))) {
      List<String> fields = new ArrayList<>(List.of(j.key(), nullToEmpty(j.uid())));
      fields.add(nullToEmpty(j.txHash()));
      fields.add(nullToEmpty(j.payer()));
      j.outputs().forEach(o -> fields.add(nullToEmpty(o.nodeAddress())));
      match(
          hits,
          q,
          "job",
          j.key(),
          Paths.job(j.namespace(), j.name()),
          fields.toArray(String[]::new));
    }
    for (BatchView b : sorted(batches.values(), Comparator.comparing(BatchView::key))) {
      List<String> fields = new ArrayList<>(List.of(b.key(), nullToEmpty(b.txHash())));
      b.transactions().forEach(t -> fields.add(nullToEmpty(t.hash())));
      match(
          hits,
          q,
          "settlement batch",
          b.key(),
          Paths.batch(b.namespace(), b.name()),
          fields.toArray(String[]::new));
    }
    return hits.size() > SEARCH_LIMIT ? hits.subList(0, SEARCH_LIMIT) : hits;
  }

  private static void match(
      List<SearchHit> hits, String q, String kind, String label, String path, String... fields) {
    if (hits.size() > SEARCH_LIMIT) {
      return;
    }
    for (String field : fields) {
      if (field != null && field.toLowerCase(Locale.ROOT).contains(q)) {
        hits.add(new SearchHit(kind, label, path, field));
        return;
      }
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static <T> List<T> sorted(Collection<T> items, Comparator<T> order) {
    return items.stream().sorted(order).toList();
  }
}
