package io.aifabric.testing;

import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A test network's broker authority and the files made from it: the CA certificate every client
 * trusts, the broker's own certificate, and client certificates for the services and nodes a test
 * runs. (The operator issues nodes' certificates itself, from the same authority's files; a test
 * issues one here only for a simulated agent that stands in for a node.)
 */
public final class BrokerPki {
  private static final Duration VALID = Duration.ofDays(2);
  private final Path dir;
  private final BrokerAuthority authority;
  private final SecureRandom random = new SecureRandom();

  private BrokerPki(Path dir, BrokerAuthority authority) {
    this.dir = dir;
    this.authority = authority;
  }

  static BrokerPki create(Path dir) throws IOException {
    BrokerPki pki =
        new BrokerPki(
            dir, BrokerAuthority.create("aifabric test broker CA", VALID, new SecureRandom()));
    pki.authority.write(pki.caCertificate(), pki.caKey());
    KeyPair server = BrokerAuthority.newKeyPair(pki.random);
    Pem.writePublic(
        dir.resolve("server.crt"),
        Pem.encode(
            pki.authority.issueServer(
                "localhost", server.getPublic(), List.of("localhost", "127.0.0.1"), VALID)));
    Pem.writeSecret(dir.resolve("server.key"), Pem.encode(server.getPrivate()));
    return pki;
  }

  public BrokerAuthority authority() {
    return authority;
  }

  /** The CA certificate (PEM) clients trust the broker by. */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** The CA's private key (PEM, PKCS#8): what the host operator issues node certificates with. */
  public Path caKey() {
    return dir.resolve("ca.key");
  }

  /** A client certificate and key for this username (a service role or a node's address). */
  public ClientTls client(String username) throws IOException {
    return client(username, BrokerAuthority.newKeyPair(random));
  }

  /** A client certificate for this username and key pair. */
  public ClientTls client(String username, KeyPair key) throws IOException {
    String file = username.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + random.nextInt(1 << 30);
    Path cert = dir.resolve("clients").resolve(file + ".crt");
    Path privateKey = dir.resolve("clients").resolve(file + ".key");
    Pem.writePublic(
        cert, Pem.encode(authority.issueClient(username, key.getPublic(), Instant.now(), VALID)));
    Pem.writeSecret(privateKey, Pem.encode(key.getPrivate()));
    return new ClientTls(cert, privateKey, caCertificate());
  }

  Path dir() {
    return dir;
  }

  /** What an MQTT client presents and trusts: PEM files. */
  public record ClientTls(Path certificate, Path key, Path ca) {}
}
