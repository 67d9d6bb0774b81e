package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.status.EventRecorder;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.protocol.broker.BrokerKeys;
import io.aifabric.protocol.broker.ClientCertificateCheck;
import io.aifabric.protocol.broker.Pem;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Issues each registered node its broker certificate and puts it on the member's Node ({@link
 * NodeMarks}: directly, or through a pull member's agent; annotation {@code
 * aifabric.io/broker-certificate}), where the node's agent picks it up: subject CN = the node's
 * address (the broker's username for it, so the ACL lets it publish under its own topics only), for
 * the broker key its signed registration names (whose private half never leaves the node). Issued
 * only once the registration is recorded (Registered=True: signed by the key it names, read from
 * the member, no other node holds that key); re-issued when the certificate is missing, not this
 * authority's, for another address or key, or within a third of its validity of expiring. A
 * certificate is public: putting it on a Node reveals nothing.
 *
 * <p>Without {@code aifabric.broker.authority.*} nothing is issued (the network's administrator
 * then hands nodes their certificates some other way).
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class BrokerCertificates {
  private static final Logger LOG = Logger.getLogger(BrokerCertificates.class);
  public static final String ANNOTATION = io.aifabric.contract.NodeLabels.BROKER_CERTIFICATE;

  private final Optional<BrokerAuthority> authority;
  private final Duration validity;
  private final Duration renewal;
  private final ProbeWrites writes;
  private final EventRecorder events;
  private final MeterRegistry metrics;
  private final Clock clock;

  /** Per member and node: the certificate text last found good, and until when it stays good. */
  private final Map<String, Map<String, Good>> good = new ConcurrentHashMap<>();

  private record Good(String annotation, String address, String brokerKey, Instant until) {}

  public BrokerCertificates(
      OperatorConfig config,
      ProbeWrites writes,
      EventRecorder events,
      MeterRegistry metrics,
      Clock clock) {
    this.writes = writes;
    this.events = events;
    this.metrics = metrics;
    metrics.counter("aifabric.broker.certificates.issued"); // 0 from the start, for dashboards
    this.clock = clock;
    this.validity = config.broker().certificateValidity();
    this.renewal = validity.dividedBy(3);
    var files = config.broker().authority();
    if (files.certificate().isPresent() && files.key().isPresent()) {
      try {
        authority =
            Optional.of(
                BrokerAuthority.load(
                    files.certificate().get(), files.key().get(), new SecureRandom()));
      } catch (IOException e) {
        throw new UncheckedIOException("the broker authority cannot be read", e);
      }
    } else {
      authority = Optional.empty();
      LOG.info("no broker authority configured: nodes' broker certificates are not issued");
    }
  }

  public void apply(
      String cluster, NodeMarks marks, MemberInventory inventory, Map<String, ComputeNode> nodes) {
    if (authority.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    List<Issue> due = new ArrayList<>();
    Map<String, Good> known = good.getOrDefault(cluster, Map.of());
    Map<String, Good> stillGood = new ConcurrentHashMap<>();
    for (GpuNodeInventory node : inventory.gpuNodes()) {
      ComputeNode cn = nodes.get(node.nodeName());
      NodeIdentity identity =
          cn == null || cn.getStatus() == null ? null : cn.getStatus().getIdentity();
      if (identity == null || identity.getBrokerKey() == null) {
        continue; // not registered (yet, or refused): no certificate
      }
      String key = node.nodeName();
      Good last = known.get(key);
      if (last != null
          && Objects.equals(last.annotation(), node.brokerCertificate())
          && last.address().equals(identity.getAddress())
          && last.brokerKey().equals(identity.getBrokerKey())
          && now.isBefore(last.until())) {
        stillGood.put(key, last);
        continue;
      }
      String username = BrokerIdentities.node(EthAddress.parse(identity.getAddress()));
      PublicKey brokerKey =
          BrokerKeys.decode(Hex.decode(identity.getBrokerKey(), BrokerKeys.ENCODED_LENGTH));
      Optional<String> problem =
          ClientCertificateCheck.problem(
              node.brokerCertificate(),
              authority.get().certificate(),
              username,
              brokerKey,
              now,
              renewal);
      if (problem.isEmpty()) {
        stillGood.put(
            key,
            new Good(
                node.brokerCertificate(),
                identity.getAddress(),
                identity.getBrokerKey(),
                notAfter(node.brokerCertificate()).minus(renewal)));
        continue;
      }
      due.add(new Issue(cn, node, username, brokerKey, problem.get()));
    }
    // Nodes that left are forgotten; an issued certificate is checked on the next probe.
    good.put(cluster, stillGood);
    writes.each(
        due,
        issue -> {
          annotate(marks, issue, now);
          return issue;
        });
  }

  /** Forgets a member that left the network. */
  public void forget(String cluster) {
    good.remove(cluster);
  }

  private record Issue(
      ComputeNode computeNode,
      GpuNodeInventory node,
      String username,
      PublicKey brokerKey,
      String why) {}

  private void annotate(NodeMarks marks, Issue issue, Instant now) {
    String pem =
        Pem.encode(authority.get().issueClient(issue.username(), issue.brokerKey(), now, validity));
    try {
      marks.annotate(issue.node().nodeName(), ANNOTATION, pem);
      metrics.counter("aifabric.broker.certificates.issued").increment();
      events.record(
          issue.computeNode(),
          EventRecorder.NORMAL,
          "BrokerCertificateIssued",
          "broker certificate for "
              + issue.username()
              + " put on the member's Node, valid "
              + validity.toDays()
              + " days ("
              + issue.why()
              + ")");
      LOG.infof(
          "node %s: broker certificate issued for %s (%s)",
          issue.node().nodeName(), issue.username(), issue.why());
    } catch (KubernetesClientException e) {
      // The next probe tries again; a missing RBAC grant shows in the log, not as a crash.
      LOG.warnf(
          "node %s: could not put its broker certificate on it: %s",
          issue.node().nodeName(), e.getMessage());
    }
  }

  private static Instant notAfter(String pem) {
    try {
      return Pem.certificate(pem).getNotAfter().toInstant();
    } catch (IOException e) {
      throw new IllegalStateException("a certificate found good no longer parses", e);
    }
  }
}
