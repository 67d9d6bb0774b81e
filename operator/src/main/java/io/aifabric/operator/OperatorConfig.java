package io.aifabric.operator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The operator's settings (application.properties, or AIFABRIC_* environment variables). */
@ConfigMapping(prefix = "aifabric")
public interface OperatorConfig {

  Member member();

  Dispatch dispatch();

  /**
   * Requests the operator keeps in flight to one API server (host or member). Fabric8's default (5)
   * serialises a burst of jobs behind a few slow calls; the JOSDK runs 50 reconcilers.
   */
  @WithDefault("64")
  int maxRequestsPerServer();

  interface Member {
    /** How often each member cluster is probed and its inventory refreshed. */
    @WithDefault("10s")
    Duration probeInterval();

    /**
     * How long a member may stop answering before it is marked not Ready, its ComputeNodes not
     * Available, and its unfinished jobs are placed elsewhere.
     */
    @WithDefault("30s")
    Duration gracePeriod();

    /** Time limit of one request to a member's API server. */
    @WithDefault("5s")
    Duration requestTimeout();
  }

  interface Dispatch {
    /**
     * The scheduler that dispatched pods name. aifabric-scheduler once members run the aifabric
     * scheduler extender; the default scheduler until then.
     */
    @WithDefault("default-scheduler")
    String schedulerName();

    /** How often a Pending job is tried again (capacity may have appeared). */
    @WithDefault("10s")
    Duration pendingRetry();

    /** How often the member's view of a placed job is mirrored into its status. */
    @WithDefault("5s")
    Duration statusInterval();
  }
}
