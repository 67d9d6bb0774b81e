package io.aifabric.operator.membercluster;

import io.aifabric.operator.OperatorConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Kubernetes client per member cluster, built from the kubeconfig in its Secret and rebuilt
 * when that kubeconfig changes.
 */
@ApplicationScoped
public class MemberClients {
  private record Entry(String kubeconfig, KubernetesClient client) {}

  private final Map<String, Entry> clients = new ConcurrentHashMap<>();
  private final OperatorConfig config;
  private final Event<MemberClientClosed> closed;

  public MemberClients(OperatorConfig config, Event<MemberClientClosed> closed) {
    this.config = config;
    this.closed = closed;
  }

  /**
   * The member's client for this kubeconfig.
   *
   * @throws InvalidKubeconfigException when the kubeconfig cannot be used
   * @throws InlineKubeconfig.UnsafeKubeconfigException when it holds more than inline credentials
   */
  public KubernetesClient clientFor(String cluster, String kubeconfig) {
    Entry entry =
        clients.compute(
            cluster,
            (name, old) -> {
              if (old != null && old.kubeconfig().equals(kubeconfig)) {
                return old;
              }
              Entry fresh = new Entry(kubeconfig, build(kubeconfig));
              if (old != null) {
                close(name, old);
              }
              return fresh;
            });
    return entry.client();
  }

  /** The member's client, if the operator has connected to it. */
  public Optional<KubernetesClient> get(String cluster) {
    return Optional.ofNullable(clients.get(cluster)).map(Entry::client);
  }

  public void forget(String cluster) {
    Entry old = clients.remove(cluster);
    if (old != null) {
      close(cluster, old);
    }
  }

  /** Whoever holds something built on the old client (informers) lets go of it first. */
  private void close(String cluster, Entry old) {
    closed.fire(new MemberClientClosed(cluster));
    old.client().close();
  }

  private KubernetesClient build(String kubeconfig) {
    InlineKubeconfig.check(kubeconfig); // before Fabric8 could run or read anything it names
    Config parsed;
    try {
      parsed = Config.fromKubeconfig(kubeconfig);
    } catch (RuntimeException e) {
      throw new InvalidKubeconfigException("the kubeconfig cannot be parsed: " + e.getMessage());
    }
    if (parsed.getMasterUrl() == null || parsed.getMasterUrl().isBlank()) {
      throw new InvalidKubeconfigException("the kubeconfig names no server");
    }
    int timeout = (int) config.member().requestTimeout().toMillis();
    parsed.setRequestTimeout(timeout);
    parsed.setConnectionTimeout(timeout);
    // Probes run every few seconds: a failed request is reported, not retried behind our back.
    parsed.setRequestRetryBackoffLimit(0);
    parsed.setMaxConcurrentRequestsPerHost(config.maxRequestsPerServer());
    parsed.setMaxConcurrentRequests(
        Math.max(config.maxRequestsPerServer(), parsed.getMaxConcurrentRequests()));
    return new KubernetesClientBuilder().withConfig(parsed).build();
  }

  @PreDestroy
  void closeAll() {
    clients.values().forEach(e -> e.client().close());
    clients.clear();
  }

  /** The kubeconfig in the member's Secret is not usable. */
  public static class InvalidKubeconfigException extends RuntimeException {
    public InvalidKubeconfigException(String message) {
      super(message);
    }
  }
}
