package io.aifabric.operator;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;
import jakarta.inject.Singleton;

/** The host client gets the same in-flight request limit as the member clients. */
@Singleton
public class HostClientConfig implements KubernetesConfigCustomizer {
  private final OperatorConfig config;

  public HostClientConfig(OperatorConfig config) {
    this.config = config;
  }

  @Override
  public void customize(Config client) {
    client.setMaxConcurrentRequestsPerHost(config.maxRequestsPerServer());
    client.setMaxConcurrentRequests(
        Math.max(config.maxRequestsPerServer(), client.getMaxConcurrentRequests()));
  }
}
