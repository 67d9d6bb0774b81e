package io.aifabric.extender.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.broker.BrokerAuthority;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchedulerCallersTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final BrokerAuthority CA =
      BrokerAuthority.create("extender test CA", Duration.ofDays(1), RANDOM);
  private final SchedulerCallers callers = new SchedulerCallers(Set.of("aifabric-scheduler"));

  @Test
  void theSchedulersCertificateIsTakenByItsCommonName() {
    var scheduler =
        CA.issueClient(
            "aifabric-scheduler",
            BrokerAuthority.newKeyPair(RANDOM).getPublic(),
            Instant.now(),
            Duration.ofHours(1));
    assertThat(callers.refusal(scheduler)).isEmpty();
  }

  @Test
  void orByADnsName() {
    var scheduler =
        CA.issueServer(
            "scheduler.example",
            BrokerAuthority.newKeyPair(RANDOM).getPublic(),
            List.of("aifabric-scheduler"),
            Duration.ofHours(1));
    assertThat(SchedulerCallers.names(scheduler))
        .containsExactly("scheduler.example", "aifabric-scheduler");
    assertThat(callers.refusal(scheduler)).isEmpty();
  }

  @Test
  void anotherCertificateOfTheSameAuthorityIsRefusedByName() {
    var other =
        CA.issueClient(
            "some-pod",
            BrokerAuthority.newKeyPair(RANDOM).getPublic(),
            Instant.now(),
            Duration.ofHours(1));
    assertThat(callers.refusal(other))
        .hasValue(
            "the client certificate names some-pod; the extender takes calls only from"
                + " aifabric-scheduler");
  }
}
