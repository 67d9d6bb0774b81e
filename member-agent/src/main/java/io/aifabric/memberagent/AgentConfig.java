package io.aifabric.memberagent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The member agent's settings (environment: {@code AIFABRIC_MEMBER_AGENT_...}). */
@ConfigMapping(prefix = "aifabric.member-agent")
public interface AgentConfig {
  /** The MemberCluster this agent is, as the host names it. */
  String member();

  /**
   * A join kubeconfig ({@code aifabric join-token}): traded once for the agent's own identity.
   * Needed only until that identity is stored; it works once anyway.
   */
  Optional<Path> joinKubeconfig();

  /** The namespace in the member that the agent runs in and keeps its host credential in. */
  @WithDefault("aifabric-system")
  String namespace();

  /** The Secret in that namespace that holds the agent's host credential. */
  @WithDefault("aifabric-member-agent-host")
  String credentialsSecret();

  /** How long each of the agent's tokens lives (the host's API server may cap it). */
  @WithDefault("24h")
  Duration tokenTtl();

  /** The agent asks for a new token once its token is this old. */
  @WithDefault("1h")
  Duration tokenRenewal();

  /** How often the agent renews its Lease on the host. */
  @WithDefault("10s")
  Duration leaseInterval();

  /** At most how often changed node reports are written to the host. */
  @WithDefault("2s")
  Duration reportInterval();

  /** The agent's name in its Lease (the pod's name). */
  @WithDefault("${HOSTNAME:member-agent}")
  String identity();
}
