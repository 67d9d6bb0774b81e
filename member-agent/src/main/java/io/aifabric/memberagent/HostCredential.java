package io.aifabric.memberagent;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's credential for the host: the host's address and CA, and a token of the agent's own
 * ServiceAccount there, with when it was issued. Kept in a Secret in the member, so that a
 * restarted agent carries on without a join token (which works once).
 */
record HostCredential(String server, String caData, String token, Instant issuedAt) {
  static final String SERVER = "server";
  static final String CA = "ca.crt";
  static final String TOKEN = "token";
  static final String ISSUED_AT = "issued-at";

  HostCredential withToken(String newToken, Instant at) {
    return new HostCredential(server, caData, newToken, at);
  }

  Secret toSecret(String namespace, String name) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("app.kubernetes.io/managed-by", "aifabric-member-agent")
        .endMetadata()
        .withType("Opaque")
        .withData(
            Map.of(
                SERVER, encode(server),
                CA, encode(caData == null ? "" : caData),
                TOKEN, encode(token),
                ISSUED_AT, encode(issuedAt.toString())))
        .build();
  }

  /** The credential a Secret holds, or empty if it holds none (or not all of one). */
  static Optional<HostCredential> from(Secret secret) {
    Map<String, String> data = secret == null ? null : secret.getData();
    if (data == null
        || data.get(SERVER) == null
        || data.get(TOKEN) == null
        || data.get(ISSUED_AT) == null) {
      return Optional.empty();
    }
    String ca = data.get(CA) == null ? "" : decode(data.get(CA));
    return Optional.of(
        new HostCredential(
            decode(data.get(SERVER)),
            ca.isEmpty() ? null : ca,
            decode(data.get(TOKEN)),
            Instant.parse(decode(data.get(ISSUED_AT)))));
  }

  /** Never the token: a credential's string is what a log may show. */
  @Override
  public String toString() {
    return "HostCredential[server=" + server + ", issuedAt=" + issuedAt + "]";
  }

  private static String encode(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static String decode(String value) {
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }
}
