package io.aifabric.agent.mqtt;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.protocol.broker.ClientCertificateCheck;
import io.aifabric.protocol.broker.Pem;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The agent's TLS identity at the broker, as files the MQTT connector reads on each connection
 * attempt: {@code broker.key} (the node's broker key, written at start) and {@code broker.crt} (the
 * certificate the host operator issued for it once the node's registration was recorded, taken from
 * the Node's {@code aifabric.io/broker-certificate} annotation). Until the certificate is there,
 * connection attempts fail and are retried; messages wait (heartbeats are dropped, receipts and
 * hardware reports are retained until acknowledged).
 *
 * <p>A certificate is taken only when it is issued by the broker authority the agent trusts, to
 * this node's address and for its own broker key: whoever can annotate the Node cannot swap in
 * another identity. The Node is read only while the certificate is missing or in the last third of
 * its validity, so a settled fleet costs its API server nothing.
 */
@ApplicationScoped
public class BrokerCredentials {
  private static final Logger LOG = Logger.getLogger(BrokerCredentials.class);
  public static final String ANNOTATION = io.aifabric.contract.NodeLabels.BROKER_CERTIFICATE;
  public static final String KEY_FILE = "broker.key";
  public static final String CERTIFICATE_FILE = "broker.crt";

  private final NodeKeyring identity;
  private final AgentConfig config;
  private final Instance<KubernetesClient> client;
  private final Clock clock;
  private volatile Instant renewFrom = Instant.MIN;

  public BrokerCredentials(
      NodeKeyring identity, AgentConfig config, Instance<KubernetesClient> client, Clock clock) {
    this.identity = identity;
    this.config = config;
    this.client = client;
    this.clock = clock;
  }

  void writeKey(@Observes StartupEvent start) {
    if (!config.broker().tls().enabled()) {
      return;
    }
    try {
      Path key = dir().resolve(KEY_FILE);
      String pem = Pem.encode(identity.brokerKey().getPrivate());
      if (!Files.exists(key) || !Files.readString(key).equals(pem)) {
        Pem.writeSecret(key, pem);
      }
      current().ifPresent(this::inPlace);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker key to " + dir(), e);
    }
  }

  @Scheduled(every = "5s", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void fetchWhenDue() {
    if (!config.broker().tls().enabled()
        || !config.kubernetes()
        || clock.instant().isBefore(renewFrom)) {
      return;
    }
    try {
      Node node = client.get().nodes().withName(config.nodeName()).get();
      String pem =
          node == null || node.getMetadata().getAnnotations() == null
              ? null
              : node.getMetadata().getAnnotations().get(ANNOTATION);
      if (pem == null) {
        return;
      }
      Optional<String> problem = problem(pem);
      if (problem.isPresent()) {
        LOG.warnf(
            "the broker certificate on node %s is refused: %s", config.nodeName(), problem.get());
        return;
      }
      if (!pem.equals(readCurrent())) {
        Pem.writePublic(dir().resolve(CERTIFICATE_FILE), pem);
        LOG.infof("broker certificate for %s in place", identity.address());
      }
      inPlace(Pem.certificate(pem));
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "cannot read node %s for its broker certificate (%s); trying again",
          config.nodeName(), e.getMessage());
    } catch (IOException e) {
      LOG.warnf("cannot keep the broker certificate in %s: %s", dir(), e.getMessage());
    }
  }

  /** The certificate in place is good until a third of its life is left: no reads till then. */
  private void inPlace(X509Certificate certificate) {
    Instant from = certificate.getNotBefore().toInstant();
    Instant until = certificate.getNotAfter().toInstant();
    renewFrom = until.minus(Duration.between(from, until).dividedBy(3));
  }

  private Optional<X509Certificate> current() {
    String pem = readCurrent();
    if (pem == null || problem(pem).isPresent()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pem.certificate(pem));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Why this certificate is not this node's from the trusted authority, valid now; or empty. */
  private Optional<String> problem(String pem) {
    X509Certificate authority;
    try {
      authority = Pem.certificate(Files.readString(config.broker().tls().ca()));
    } catch (IOException e) {
      return Optional.of("the broker authority's certificate cannot be read: " + e.getMessage());
    }
    return ClientCertificateCheck.problem(
        pem,
        authority,
        BrokerIdentities.node(identity.address()),
        identity.brokerKey().getPublic(),
        clock.instant(),
        Duration.ZERO);
  }

  private String readCurrent() {
    try {
      Path file = dir().resolve(CERTIFICATE_FILE);
      return Files.exists(file) ? Files.readString(file) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private Path dir() {
    return config.broker().tls().dir();
  }
}
