package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The agent's connection to the host, under an identity of its own: its ServiceAccount {@code
 * agent} in {@code aifabric-member-<member>}, whose rights reach that namespace only. On first
 * start it trades the join token for a token of that account (the join token's only right) and
 * stores it in a Secret in the member; later starts use the stored one, or join again with the join
 * token given when the host refuses it (401: it expired while the agent was off, or a host admin
 * revoked it for a re-join). It renews its own token before it expires; the client reads the
 * current token on every request, so a renewal needs no new client.
 */
@ApplicationScoped
public class HostConnection {
  private static final Logger LOG = Logger.getLogger(HostConnection.class);

  private final AgentConfig config;
  private final KubernetesClient member;
  private final Clock clock;
  private final AtomicReference<HostCredential> credential = new AtomicReference<>();
  private volatile KubernetesClient host;

  public HostConnection(AgentConfig config, KubernetesClient member, Clock clock) {
    this.config = config;
    this.member = member;
    this.clock = clock;
  }

  /** The host, as this agent: joins first if it has no identity of its own yet. */
  public synchronized KubernetesClient host() {
    if (host == null) {
      HostCredential held = stored().filter(this::works).orElseGet(this::join);
      credential.set(held);
      host = client(held);
      LOG.infof(
          "member %s: connected to the host at %s as its agent", config.member(), held.server());
    }
    return host;
  }

  /** The member's namespace on the host: everything the agent writes there goes here. */
  public String namespace() {
    return PullMember.namespace(config.member());
  }

  /** Asks for a new token with the current one once it is {@code token-renewal} old. */
  @Scheduled(every = "${aifabric.member-agent.token-check:60s}", delayed = "10s")
  void renewIfDue() {
    HostCredential current = credential.get();
    if (current == null
        || Duration.between(current.issuedAt(), clock.instant()).compareTo(config.tokenRenewal())
            < 0) {
      return;
    }
    HostCredential renewed = current.withToken(agentToken(host()), clock.instant());
    store(renewed);
    credential.set(renewed);
    LOG.infof("member %s: renewed the agent's host token", config.member());
  }

  void close(@Observes ShutdownEvent stop) {
    if (host != null) {
      host.close();
    }
  }

  private HostCredential join() {
    var path =
        config
            .joinKubeconfig()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "member "
                            + config.member()
                            + ": no usable host credential in Secret "
                            + config.namespace()
                            + "/"
                            + config.credentialsSecret()
                            + " and no join kubeconfig given: ask the network's administrator"
                            + " for one (aifabric join-token "
                            + config.member()
                            + ", with --rejoin if this agent had joined before) and set"
                            + " aifabric.member-agent.join-kubeconfig"));
    Config joinConfig;
    try {
      joinConfig = Config.fromKubeconfig(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the join kubeconfig " + path, e);
    }
    try (KubernetesClient joiner = new KubernetesClientBuilder().withConfig(joinConfig).build()) {
      String token;
      try {
        token = agentToken(joiner);
      } catch (KubernetesClientException e) {
        if (e.getCode() == 401 || e.getCode() == 403) {
          throw new IllegalStateException(
              "member "
                  + config.member()
                  + ": the host refused the join token (HTTP "
                  + e.getCode()
                  + "): it works once, for this member only, until it expires; ask for a new one"
                  + " (aifabric join-token "
                  + config.member()
                  + ", with --rejoin if this agent had joined before)",
              e);
        }
        throw e;
      }
      HostCredential joined =
          new HostCredential(
              joinConfig.getMasterUrl(), joinConfig.getCaCertData(), token, clock.instant());
      store(joined);
      LOG.infof("member %s: joined the host with the join token", config.member());
      return joined;
    }
  }

  /** A token of the agent's ServiceAccount on the host, asked for by whoever {@code as} is. */
  private String agentToken(KubernetesClient as) {
    return as.serviceAccounts()
        .inNamespace(namespace())
        .withName(PullMember.AGENT)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withExpirationSeconds(config.tokenTtl().toSeconds())
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private Optional<HostCredential> stored() {
    return HostCredential.from(
        member
            .secrets()
            .inNamespace(config.namespace())
            .withName(config.credentialsSecret())
            .get());
  }

  /** Whether the host still takes a stored token (it may have expired while the agent was off). */
  private boolean works(HostCredential stored) {
    try (KubernetesClient client = client(stored)) {
      client.leases().inNamespace(namespace()).withName(PullMember.AGENT).get();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 401) {
        LOG.warnf(
            "member %s: the host no longer takes the stored token (HTTP 401)", config.member());
        return false;
      }
      throw e;
    }
  }

  private void store(HostCredential held) {
    member
        .secrets()
        .inNamespace(config.namespace())
        .resource(held.toSecret(config.namespace(), config.credentialsSecret()))
        .serverSideApply();
  }

  private KubernetesClient client(HostCredential held) {
    Config hostConfig =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(held.server())
            .withCaCertData(held.caData())
            .withNamespace(namespace())
            .build();
    // Asked on every request: a renewed token is used from the next request on.
    hostConfig.setOauthTokenProvider(
        () -> credential.get() == null ? held.token() : credential.get().token());
    return new KubernetesClientBuilder().withConfig(hostConfig).build();
  }
}
