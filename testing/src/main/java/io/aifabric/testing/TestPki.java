package io.aifabric.testing;

import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.Pem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test authority and the files made from it: the CA certificate every client trusts, a server
 * certificate for 127.0.0.1/localhost (the broker's, or the scheduler extender's), and client
 * certificates for the services and nodes a test runs. (The operator issues nodes' broker
 * certificates itself, from the same authority's files; a test issues one here only for a simulated
 * agent that stands in for a node.) Two authorities made here do not trust each other: one plays
 * the rogue CA of an attack on the other.
 */
public final class TestPki {
  private static final Duration VALID = Duration.ofDays(2);
  private final Path dir;
  private final BrokerAuthority authority;
  private final SecureRandom random = new SecureRandom();

  private TestPki(Path dir, BrokerAuthority authority) {
    this.dir = dir;
    this.authority = authority;
  }

  public static TestPki create(Path dir) throws IOException {
    TestPki pki =
        new TestPki(dir, BrokerAuthority.create("aifabric test CA", VALID, new SecureRandom()));
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

  /** The server's certificate (PEM), for 127.0.0.1 and localhost. */
  public Path serverCertificate() {
    return dir.resolve("server.crt");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /** A JDK TLS context that trusts this authority and presents no certificate of its own. */
  public SSLContext trustOnly() {
    return ClientTls.context(null, caCertificate());
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

  /** What a TLS client presents and trusts: PEM files. */
  public record ClientTls(Path certificate, Path key, Path ca) {
    /** The same as a JDK TLS context (java.net.http, HttpsURLConnection). */
    public SSLContext sslContext() {
      return context(this, ca);
    }

    private static SSLContext context(ClientTls own, Path ca) {
      try {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", Pem.certificate(Files.readString(ca)));
        TrustManagerFactory trust =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        KeyManager[] keys = null;
        if (own != null) {
          char[] password = "in-memory".toCharArray();
          KeyStore mine = KeyStore.getInstance("PKCS12");
          mine.load(null, null);
          mine.setKeyEntry(
              "client",
              Pem.privateKey(Files.readString(own.key())),
              password,
              new Certificate[] {Pem.certificate(Files.readString(own.certificate()))});
          KeyManagerFactory factory =
              KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
          factory.init(mine, password);
          keys = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), new SecureRandom());
        return context;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
