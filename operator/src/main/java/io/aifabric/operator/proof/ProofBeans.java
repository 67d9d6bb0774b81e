package io.aifabric.operator.proof;

import io.aifabric.operator.OperatorConfig;
import io.aifabric.protocol.HeartbeatVerifier;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The plain-Java parts of checking node agents' proofs, configured. */
public class ProofBeans {
  @Produces
  @Singleton
  HeartbeatVerifier heartbeatVerifier(NodeKeys keys, Clock clock, OperatorConfig config) {
    return new HeartbeatVerifier(keys, clock, config.proof().maxAge(), config.proof().maxSkew());
  }

  @Produces
  @Singleton
  AvailabilityLedger availabilityLedger(OperatorConfig config) {
    return new AvailabilityLedger(config.proof().heartbeatInterval(), config.proof().epoch());
  }
}
