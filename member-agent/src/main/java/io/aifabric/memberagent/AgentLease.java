package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.runtime.Quarkus;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.jboss.logging.Logger;

/**
 * Renews the agent's Lease on the host ({@code agent} in the member's namespace): one merge patch
 * per interval, which also carries the member's Kubernetes version and node count. The host judges
 * the member reachable by seeing the Lease change, not by the time written in it.
 */
@ApplicationScoped
public class AgentLease {
  private static final Logger LOG = Logger.getLogger(AgentLease.class);
  private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

  private final HostConnection connection;
  private final AgentConfig config;
  private final NodeReporter nodes;
  private final WorkController work;
  private final Clock clock;

  public AgentLease(
      HostConnection connection,
      NodeReporter nodes,
      WorkController work,
      AgentConfig config,
      Clock clock) {
    this.connection = connection;
    this.nodes = nodes;
    this.work = work;
    this.config = config;
    this.clock = clock;
  }

  @Scheduled(every = "${aifabric.member-agent.lease-interval}")
  void renew() {
    if (!work.staleWorkRemoved() || nodes.kubernetesVersion() == null) {
      // Not alive to the host until no copy of work placed elsewhere runs here, and until it can
      // say what the member is (its informers run).
      return;
    }
    KubernetesClient host = connection.host();
    Lease lease = lease();
    var leases = host.leases().inNamespace(connection.namespace());
    try {
      leases.withName(PullMember.AGENT).patch(MERGE, lease);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401) {
        // The host revoked this identity (a re-join): start again, to join with the join token.
        LOG.errorf(
            "member %s: the host no longer takes this agent's identity (HTTP 401): exiting, to"
                + " join again with the join kubeconfig on the next start",
            config.member());
        Quarkus.asyncExit(1);
        return;
      }
      if (e.getCode() != 404) {
        LOG.warnf("renewing the Lease failed (HTTP %d): %s", e.getCode(), e.getMessage());
        return;
      }
      leases.resource(lease).create();
      LOG.infof("member %s: created its Lease on the host", config.member());
    }
  }

  private Lease lease() {
    java.util.Map<String, String> facts =
        java.util.Map.of(
            PullMember.KUBERNETES_VERSION_ANNOTATION,
            nodes.kubernetesVersion(),
            PullMember.NODE_COUNT_ANNOTATION,
            String.valueOf(nodes.nodeCount()));
    return new LeaseBuilder()
        .withNewMetadata()
        .withName(PullMember.AGENT)
        .withNamespace(connection.namespace())
        .withAnnotations(facts)
        .endMetadata()
        .withNewSpec()
        .withHolderIdentity(config.identity())
        .withLeaseDurationSeconds((int) (config.leaseInterval().toSeconds() * 3))
        .withRenewTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))
        .endSpec()
        .build();
  }
}
