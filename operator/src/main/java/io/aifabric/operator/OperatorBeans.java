package io.aifabric.operator;

import io.aifabric.operator.placement.PlacementEngine;
import io.aifabric.operator.status.Conditions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/** The plain-Java parts the operator's beans share: one clock, one placement engine. */
public class OperatorBeans {
  @Produces
  @ApplicationScoped
  Clock clock() {
    return Clock.systemUTC();
  }

  @Produces
  @ApplicationScoped
  Conditions conditions(Clock clock) {
    return new Conditions(clock);
  }

  @Produces
  @ApplicationScoped
  PlacementEngine placementEngine() {
    return new PlacementEngine();
  }
}
