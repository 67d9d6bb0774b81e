package io.aifabric.memberagent;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The clock the agent's beans ask for the time (a test can give them another). */
public class SystemClock {
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
