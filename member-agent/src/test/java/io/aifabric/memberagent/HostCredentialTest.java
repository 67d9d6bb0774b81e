package io.aifabric.memberagent;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HostCredentialTest {
  private final HostCredential held =
      new HostCredential(
          "https://host:6443", "Y2E=", "secret-token", Instant.parse("2026-12-05T10:00:00Z"));

  @Test
  void aStoredCredentialReadsBackAsItWasAndItsStringHoldsNoToken() {
    var secret = held.toSecret("aifabric-system", "host");
    assertThat(HostCredential.from(secret)).contains(held);
    assertThat(held.toString()).contains("https://host:6443").doesNotContain("secret-token");
  }

  @Test
  void aSecretWithoutAWholeCredentialHoldsNone() {
    assertThat(HostCredential.from(null)).isEmpty();
    assertThat(HostCredential.from(new SecretBuilder().build())).isEmpty();
    var partial = held.toSecret("ns", "n");
    partial.getData().remove(HostCredential.TOKEN);
    assertThat(HostCredential.from(partial)).isEmpty();
  }
}
