package io.aifabric.operator.membercluster;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;

/** When a pull member's agent last renewed its Lease on the host. */
final class PullLeases {
  private PullLeases() {}

  static Optional<Instant> renewed(Lease lease) {
    if (lease.getSpec() == null) {
      return Optional.empty();
    }
    ZonedDateTime renew = lease.getSpec().getRenewTime();
    if (renew == null) {
      renew = lease.getSpec().getAcquireTime();
    }
    return Optional.ofNullable(renew).map(ZonedDateTime::toInstant);
  }
}
