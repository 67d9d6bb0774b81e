package io.aifabric.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * The SDK's leader election, from {@code aifabric.leader-election.*}: with it on, only the replica
 * holding the Lease processes events; the SDK starts the others' informers (warm caches) and starts
 * their reconcilers the moment they acquire the Lease. A leader that cannot renew exits, so it
 * never reconciles next to its successor.
 */
public class SdkLeaderElection {
  private static final Logger LOG = Logger.getLogger(SdkLeaderElection.class);

  /** Null when off: the SDK then runs every controller at once, as a single operator. */
  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(OperatorConfig config) {
    OperatorConfig.LeaderElection election = config.leaderElection();
    if (!election.enabled()) {
      return null;
    }
    String namespace =
        election
            .namespace()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "aifabric.leader-election.namespace is not set: the namespace of the"
                            + " operator's Lease (its own) is needed with leader election on"));
    LOG.infof(
        "leader election on: Lease %s/%s as %s",
        namespace, election.leaseName(), config.instanceName());
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(election.leaseName())
        .withLeaseNamespace(namespace)
        .withIdentity(config.instanceName())
        .withLeaseDuration(election.leaseDuration())
        .withRenewDeadline(election.renewDeadline())
        .withRetryPeriod(election.retryPeriod())
        .withExitOnStopLeading(true)
        .build();
  }
}
