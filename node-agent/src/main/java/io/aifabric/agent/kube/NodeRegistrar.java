package io.aifabric.agent.kube;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.protocol.chain.ChainRegistration;
import io.aifabric.protocol.chain.SignedChainRegistration;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Puts the node's signed registration (its keys) on its own Node, as the annotation {@code
 * aifabric.io/registration}, where the operator reads it with the member's credentials; and, when
 * the chain is configured, its signed NodeRegistry registration to its provider ({@code
 * aifabric.io/chain-registration}), which the provider submits on chain. Done once the Node carries
 * both; tried again while the API server cannot be reached.
 */
@ApplicationScoped
public class NodeRegistrar {
  private static final Logger LOG = Logger.getLogger(NodeRegistrar.class);

  private final NodeKeyring identity;
  private final AgentConfig config;
  private final Instance<KubernetesClient> client;
  private final Clock clock;
  private final AtomicBoolean registered = new AtomicBoolean();

  public NodeRegistrar(
      NodeKeyring identity, AgentConfig config, Instance<KubernetesClient> client, Clock clock) {
    this.identity = identity;
    this.config = config;
    this.client = client;
    this.clock = clock;
  }

  @Scheduled(
      every = "30s",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void registerUntilDone() {
    if (!config.kubernetes() || registered.get()) {
      return;
    }
    try {
      Node node = client.get().nodes().withName(config.nodeName()).get();
      if (node == null) {
        LOG.warnf("node %s does not exist: not registered yet", config.nodeName());
        return;
      }
      Optional<String> onChain = chainRegistration();
      boolean chainCurrent =
          onChain.isEmpty()
              || onChain.get().equals(annotation(node, SignedChainRegistration.ANNOTATION));
      if (!carriesThisKey(node) || !chainCurrent) {
        String registration =
            RegistrationCodec.encode(
                identity.register(config.cluster(), config.nodeName(), clock.millis()));
        client
            .get()
            .nodes()
            .withName(config.nodeName())
            .edit(
                n -> {
                  n.getMetadata().getAnnotations().put(RegistrationCodec.ANNOTATION, registration);
                  onChain.ifPresent(
                      signed ->
                          n.getMetadata()
                              .getAnnotations()
                              .put(SignedChainRegistration.ANNOTATION, signed));
                  return n;
                });
      }
      registered.set(true);
      LOG.infof("registered %s on node %s", identity.address(), config.nodeName());
    } catch (KubernetesClientException e) {
      LOG.warnf("not registered yet (%s); trying again", e.getMessage());
    }
  }

  /**
   * The node's signed NodeRegistry registration to its provider, when the chain is configured: the
   * same every time for the same settings (RFC 6979 signatures), so it is written once.
   */
  Optional<String> chainRegistration() {
    var chain = config.chain();
    if (chain.id().isEmpty() || chain.registry().isEmpty() || chain.provider().isEmpty()) {
      return Optional.empty();
    }
    ChainRegistration registration =
        new ChainRegistration(
            identity.address().toString(), chain.provider().get(), chain.registrationNonce());
    return Optional.of(
        new SignedChainRegistration(
                chain.id().get(),
                chain.registry().get(),
                registration,
                identity
                    .signingKey()
                    .sign(registration.digest(chain.id().get(), chain.registry().get())))
            .toJson());
  }

  private static String annotation(Node node, String key) {
    var annotations = node.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  private boolean carriesThisKey(Node node) {
    var annotations = node.getMetadata().getAnnotations();
    String current = annotations == null ? null : annotations.get(RegistrationCodec.ANNOTATION);
    if (current == null) {
      return false;
    }
    try {
      var r = RegistrationCodec.decode(current).registration();
      return r.key().address().equals(identity.address())
          && r.nodeName().equals(config.nodeName())
          && r.cluster().equals(config.cluster());
    } catch (MalformedMessageException e) {
      return false;
    }
  }
}
