package io.aifabric.extender.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the node and pod informers have synced: before that, filter would call every node
 * unknown and bind could not count the GPUs already taken.
 */
@Readiness
@ApplicationScoped
public class NodeCacheReadiness implements HealthCheck {
  private final GpuNodeCache cache;

  NodeCacheReadiness(GpuNodeCache cache) {
    this.cache = cache;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("node-cache").status(cache.synced()).build();
  }
}
