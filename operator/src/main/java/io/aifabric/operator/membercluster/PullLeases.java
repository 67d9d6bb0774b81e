package io.aifabric.operator.membercluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the operator last saw each pull member's Lease renewed. The agent writes its Lease, and the
 * times in it are its own clock's: an agent that wrote a renew time a day ahead would look alive
 * for a day after it stopped. So the times it writes are not read; a renewal is a change of the
 * Lease (its resourceVersion, which only the API server sets), timed by the operator's clock, as
 * kubelets' node Leases are judged.
 */
@ApplicationScoped
class PullLeases {
  private record Seen(String resourceVersion, Instant at) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  /**
   * @return when this operator first saw the Lease as it is now (a restarted operator counts its
   *     first look as a renewal: the grace period then starts over)
   */
  Instant renewed(String member, Lease lease, Instant now) {
    String version = lease.getMetadata().getResourceVersion();
    return seen.compute(
            member,
            (m, old) ->
                old != null && old.resourceVersion().equals(version) ? old : new Seen(version, now))
        .at();
  }

  void forget(String member) {
    seen.remove(member);
  }
}
