package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.operator.informer.LeanItemStore;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.javaoperatorsdk.operator.api.config.informer.FieldSelector;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When the operator last saw each pull member's Lease renewed. The agent writes its Lease, and the
 * times in it are its own clock's: an agent that wrote a renew time a day ahead would look alive
 * for a day after it stopped. So the times it writes are not read; a renewal is a change of the
 * Lease (its resourceVersion, which only the API server sets), timed by the operator's clock, as
 * kubelets' node Leases are judged. The Leases are watched (one informer over every pull member's
 * {@code agent} Lease, by field selector): a renewal reconciles its member, and nothing is read per
 * probe.
 */
@ApplicationScoped
class PullLeases {
  private record Seen(String resourceVersion, Instant at) {}

  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private volatile InformerEventSource<Lease, MemberCluster> leases;

  /** The event source for the MemberCluster controller (called once, at start). */
  InformerEventSource<Lease, MemberCluster> eventSource(EventSourceContext<MemberCluster> context) {
    leases =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Lease.class, MemberCluster.class)
                .withName("pull-leases")
                .withFieldSelector(
                    new FieldSelector(new FieldSelector.Field("metadata.name", PullMember.AGENT)))
                .withSecondaryToPrimaryMapper(
                    lease ->
                        PullMember.memberOf(lease.getMetadata().getNamespace())
                            .map(name -> Set.of(new ResourceID(name)))
                            .orElse(Set.of()))
                .withItemStore(new LeanItemStore<>())
                .build(),
            context);
    return leases;
  }

  /** The member agent's Lease, once it has joined. */
  Optional<Lease> lease(String member) {
    return leases.get(new ResourceID(PullMember.AGENT, PullMember.namespace(member)));
  }

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
