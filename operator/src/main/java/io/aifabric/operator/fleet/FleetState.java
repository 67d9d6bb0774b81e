package io.aifabric.operator.fleet;

import io.aifabric.operator.placement.ClusterView;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's in-memory picture of the network, refreshed by every member probe: what placement
 * reads, and since when each member has been unreachable.
 */
@ApplicationScoped
public class FleetState {
  private record Member(ClusterView view, Instant unreachableSince) {}

  private final Map<String, Member> members = new ConcurrentHashMap<>();
  private final java.util.Set<String> pullMembers = ConcurrentHashMap.newKeySet();

  /** The member's agent dials out (spec.mode Pull): work goes to it through the host. */
  public void pullMember(String cluster) {
    pullMembers.add(cluster);
  }

  public boolean isPull(String cluster) {
    return pullMembers.contains(cluster);
  }

  /** The member answered: its fresh view, and it is reachable again. */
  public void reached(ClusterView view) {
    members.put(view.name(), new Member(view, null));
  }

  /**
   * The member did not answer: remembers when that began and returns for how long. A member that
   * was never reached is unreachable since now.
   */
  public Duration unreachable(String cluster, Instant now) {
    Member m =
        members.compute(
            cluster,
            (name, old) -> {
              if (old == null) {
                return new Member(null, now);
              }
              return old.unreachableSince() == null ? new Member(old.view(), now) : old;
            });
    return Duration.between(m.unreachableSince(), now);
  }

  /** The member is lost (past its grace period): placement must not use it. */
  public void notReady(String cluster) {
    members.computeIfPresent(
        cluster,
        (name, m) ->
            m.view() == null ? m : new Member(m.view().withReady(false), m.unreachableSince()));
  }

  public void remove(String cluster) {
    members.remove(cluster);
    pullMembers.remove(cluster);
  }

  /** Every member placement may consider (ready or not: placement says why it skips one). */
  public List<ClusterView> views() {
    return members.values().stream().map(Member::view).filter(v -> v != null).toList();
  }

  public boolean isReady(String cluster) {
    Member m = members.get(cluster);
    return m != null && m.view() != null && m.view().ready();
  }

  /** For how long the member has not answered, if it has not. */
  public Optional<Duration> unreachableFor(String cluster, Instant now) {
    Member m = members.get(cluster);
    return m == null || m.unreachableSince() == null
        ? Optional.empty()
        : Optional.of(Duration.between(m.unreachableSince(), now));
  }
}
