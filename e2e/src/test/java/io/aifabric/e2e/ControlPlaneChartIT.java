package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.protocol.broker.Pem;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.FreePort;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The control-plane chart on a real host API server: it lints, its schema refuses what would not
 * run, its pods pass Pod Security "restricted", the operator's ServiceAccount may do what the
 * operator does and nothing else ({@code kubectl auth can-i}), and the broker it configures — its
 * configuration, ACL and generated certificates, run in a real Mosquitto — takes a node whose
 * certificate the operator issues with the chart's authority and keeps it to its own topics.
 * OperatorHaE2E runs two operators with this ServiceAccount's credentials.
 */
@Order(8)
@ExtendWith(TestBedExtension.class)
class ControlPlaneChartIT {
  private static final String NS = "control-plane-chart";
  private static final String RELEASE = "net";
  private static final String[] SETTINGS = {"broker.tls.extraNames={127.0.0.1,localhost}"};
  private static final Path DIR = Path.of("target", "control-plane-chart-it");

  @BeforeAll
  static void install(TestBed bed) throws java.io.IOException {
    // Whether an earlier test installed the API or not, it is installed (as the tests install it)
    // and the chart goes over it: Helm leaves CRDs another field manager owns alone.
    AifabricApi.install(bed.client(TestBed.HOST));
    bed.client(TestBed.HOST)
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata()
                .build())
        .serverSideApply();
    chart(bed).install(RELEASE, SETTINGS);
  }

  private static ControlPlaneChart chart(TestBed bed) {
    return new ControlPlaneChart(bed, NS).overTheInstalledApi();
  }

  /** The packaged chart carries the API as generated (crds/ links to crds/generated). */
  @Test
  void itsPackageCarriesTheGeneratedCrds(TestBed bed) throws Exception {
    Path out = Files.createDirectories(DIR.resolve("package-" + System.nanoTime()));
    CommandResult packaged =
        bed.helm(
            TestBed.HOST, "package", ControlPlaneChart.chart().toString(), "-d", out.toString());
    assertThat(packaged.succeeded()).as(packaged.stderr()).isTrue();
    Path archive;
    try (var files = Files.list(out)) {
      archive = files.filter(f -> f.toString().endsWith(".tgz")).findFirst().orElseThrow();
    }
    CommandResult crds = bed.helm(TestBed.HOST, "show", "crds", archive.toString());
    assertThat(crds.succeeded()).as(crds.stderr()).isTrue();
    Path generated = AifabricApi.repoRoot().resolve("crds/generated");
    List<Path> files;
    try (var listed = Files.list(generated)) {
      files = listed.filter(f -> f.toString().endsWith(".yaml")).toList();
    }
    assertThat(files).hasSize(9);
    for (Path file : files) {
      assertThat(crds.stdout()).as(file.getFileName().toString()).contains(Files.readString(file));
    }
  }

  @Test
  void itsGrafanaDashboardsAreConfigMapsForGrafanasSidecar(TestBed bed) throws Exception {
    GrafanaDashboards.assertInstalled(bed.client(TestBed.HOST), NS, ControlPlaneChart.chart());
  }

  @Test
  void lintsStrictly(TestBed bed) {
    CommandResult lint =
        bed.helm(TestBed.HOST, "lint", "--strict", ControlPlaneChart.chart().toString());
    assertThat(lint.succeeded()).as(lint.stdout() + lint.stderr()).isTrue();
  }

  @Test
  void theSchemaRefusesWhatWouldNotRun(TestBed bed) {
    CommandResult result =
        bed.helm(
            TestBed.HOST,
            "template",
            "x",
            ControlPlaneChart.chart().toString(),
            "--set=operator.chain.escrow=0x5FbDB2315678afecb367f032d93F642f64180aa3",
            "--set=operator.replicas=0",
            "--set=operator.replica=2",
            "--set=broker.enabled=false");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr())
        .contains("/operator/chain")
        .contains("rpcUrl")
        .contains("/operator/replicas")
        .contains("replica")
        .contains("/broker/external")
        .contains("operatorSecret")
        .contains("authoritySecret");
  }

  /** The console reads the chain the operator is told of, and no other; none without one. */
  @Test
  void theConsoleReadsTheNetworksChainWhenThereIsOne(TestBed bed) {
    String escrow = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    CommandResult withChain =
        bed.helm(
            TestBed.HOST,
            "template",
            "x",
            ControlPlaneChart.chart().toString(),
            "--show-only=templates/console.yaml",
            "--set=operator.chain.rpcUrl=http://chain.example:8545",
            "--set=operator.chain.escrow=" + escrow);
    assertThat(withChain.succeeded()).as(withChain.stderr()).isTrue();
    assertThat(withChain.stdout())
        .contains(
            "name: AIFABRIC_CONSOLE_CHAIN_RPC_URL\n              value: \"http://chain.example:8545\"")
        .contains("name: AIFABRIC_CONSOLE_CHAIN_ESCROW\n              value: \"" + escrow + "\"");
    CommandResult without =
        bed.helm(
            TestBed.HOST,
            "template",
            "x",
            ControlPlaneChart.chart().toString(),
            "--show-only=templates/console.yaml");
    assertThat(without.succeeded()).as(without.stderr()).isTrue();
    assertThat(without.stdout()).doesNotContain("AIFABRIC_CONSOLE_CHAIN");
  }

  @Test
  void itsPodsAreAdmittedUnderRestrictedPodSecurity(TestBed bed) {
    // The namespace enforces "restricted": the ReplicaSets' pods exist only if they comply (two
    // operators, the broker, the console).
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> bed.client(TestBed.HOST).pods().inNamespace(NS).list().getItems().size() == 4);
  }

  @ParameterizedTest(name = "the operator may {0} {1} in {2}: {3}")
  @CsvSource({
    "watch, aijobs.aifabric.io, *, yes",
    "patch, aijobs.aifabric.io/status, *, yes",
    "create, aijobs.aifabric.io, *, no",
    "delete, aijobs.aifabric.io, *, no",
    "patch, memberclusters.aifabric.io/status, *, yes",
    "create, memberclusters.aifabric.io, *, no",
    "create, computenodes.aifabric.io, *, yes",
    "delete, computenodes.aifabric.io, *, yes",
    "update, computenodes.aifabric.io/status, *, yes",
    "create, settlementbatches.aifabric.io, *, no",
    "patch, settlementbatches.aifabric.io/status, *, no",
    "create, slashes.aifabric.io, *, no",
    "patch, epochrewards.aifabric.io/status, *, no",
    "create, events, *, yes",
    "get, secrets, control-plane-chart, yes",
    "list, secrets, control-plane-chart, no",
    "watch, secrets, control-plane-chart, no",
    "get, secrets, default, no",
    "patch, leases.coordination.k8s.io, control-plane-chart, yes",
    "update, leases.coordination.k8s.io, kube-system, no",
    "create, pods, *, no",
    "create, jobs.batch, *, no",
    "get, nodes, *, no",
    "create, serviceaccounts/token, control-plane-chart, no",
    "create, serviceaccounts/token, *, no",
    "bind, clusterroles, *, no",
    "escalate, clusterroles, *, no",
    "create, roles, *, no",
    "delete, namespaces, *, no",
    "list, leases.coordination.k8s.io, *, yes",
    "watch, nodereports.aifabric.io, *, yes",
    "create, nodereports.aifabric.io, *, no",
    "patch, nodereports.aifabric.io/status, *, yes",
    "patch, nodereports.aifabric.io, *, no",
    "create, memberworks.aifabric.io, *, yes",
    "patch, memberworks.aifabric.io/status, *, no",
  })
  void itsOperatorMayDoWhatTheOperatorDoesAndNothingElse(
      String verb, String resource, String namespace, String expected, TestBed bed) {
    String operator = NS + ":" + ControlPlaneChart.operatorAccount(RELEASE);
    assertThat(bed.canI(TestBed.HOST, operator, verb, resource, namespace)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "the console may {0} {1} in {2}: {3}")
  @CsvSource({
    "watch, aijobs.aifabric.io, *, yes",
    "list, computenodes.aifabric.io, *, yes",
    "get, memberclusters.aifabric.io, *, yes",
    "watch, settlementbatches.aifabric.io, *, yes",
    "get, secrets, control-plane-chart, no",
    "list, secrets, *, no",
    "create, aijobs.aifabric.io, *, no",
    "patch, aijobs.aifabric.io/status, *, no",
    "delete, computenodes.aifabric.io, *, no",
    "update, memberclusters.aifabric.io, *, no",
    "patch, settlementbatches.aifabric.io/status, *, no",
    "watch, events, *, yes",
    "create, events, *, no",
    "list, pods, *, no",
    "get, leases.coordination.k8s.io, control-plane-chart, no",
    "create, serviceaccounts/token, control-plane-chart, no",
  })
  void itsConsoleMayReadTheNetworkAndNothingElse(
      String verb, String resource, String namespace, String expected, TestBed bed) {
    String console = NS + ":" + RELEASE + "-console";
    assertThat(bed.canI(TestBed.HOST, console, verb, resource, namespace)).isEqualTo(expected);
  }

  /**
   * The chart's broker, as configured by the chart: its mosquitto.conf and ACL from the release's
   * ConfigMap and its certificates from the release's Secrets, run by a real Mosquitto. The
   * operator issues a node's certificate with the chart's authority (as it does once the node's
   * registration is recorded); the node gets in, is heard by the operator under its own topic, and
   * is not heard under another node's. Without a certificate nobody gets in.
   */
  @Test
  void theChartsBrokerTakesANodeTheOperatorCertifiesAndKeepsItToItsOwnTopics(TestBed bed)
      throws Exception {
    KubernetesClient host = bed.client(TestBed.HOST);
    Path dir = Files.createDirectories(DIR.resolve("broker-" + System.nanoTime()));
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Secret server = secret(host, RELEASE + "-broker-tls");
    Pem.writePublic(tls.resolve("ca.crt"), field(server, "ca.crt"));
    Pem.writePublic(tls.resolve("tls.crt"), field(server, "tls.crt"));
    Pem.writeSecret(tls.resolve("tls.key"), field(server, "tls.key"));
    var config = host.configMaps().inNamespace(NS).withName(RELEASE + "-broker").get().getData();
    Files.writeString(dir.resolve("aifabric.acl"), config.get("aifabric.acl"));
    int port = FreePort.next();
    String local =
        config
                .get("mosquitto.conf")
                .replace("listener 8883", "listener " + port + " 127.0.0.1")
                .replace("/mosquitto/tls/", tls + "/")
                .replace("/mosquitto/config/", dir + "/")
                .replace("/mosquitto/data/", Files.createDirectories(dir.resolve("data")) + "/")
            // Started as root (a CI container), mosquitto would drop to its own user, who cannot
            // read the test's owner-only key file; in the chart's pod it runs as that user.
            + "user root\n";
    Vertx vertx = Vertx.vertx();
    try (MosquittoBroker broker = MosquittoBroker.withConfiguration(dir, port, local)) {
      TestPki.ClientTls operatorTls =
          clientTls(host, RELEASE + "-broker-operator", dir, "operator");
      BlockingQueue<MqttPublishMessage> heard = new LinkedBlockingQueue<>();
      MqttClient operator = MqttClient.create(vertx, BrokerClients.options(operatorTls));
      operator.publishHandler(heard::add);
      BrokerClients.connect(operator, port);
      assertThat(BrokerClients.subscribe(operator, Topics.HEARTBEATS + "+")).containsExactly(1);

      // What the operator does with the authority the chart mounts for it.
      Secret authoritySecret = secret(host, RELEASE + "-broker-authority");
      Path ca = dir.resolve("authority.crt");
      Path caKey = dir.resolve("authority.key");
      Pem.writePublic(ca, field(authoritySecret, "ca.crt"));
      Pem.writeSecret(caKey, field(authoritySecret, "ca.key"));
      BrokerAuthority authority = BrokerAuthority.load(ca, caKey, new SecureRandom());
      EthAddress node = NodeKey.generate(new SecureRandom()).address();
      EthAddress other = NodeKey.generate(new SecureRandom()).address();
      KeyPair nodeKey = BrokerAuthority.newKeyPair(new SecureRandom());
      Path nodeDir = Files.createDirectories(dir.resolve("node"));
      Pem.writePublic(
          nodeDir.resolve("tls.crt"),
          Pem.encode(
              authority.issueClient(
                  BrokerIdentities.node(node),
                  nodeKey.getPublic(),
                  Instant.now(),
                  Duration.ofDays(1))));
      Pem.writeSecret(nodeDir.resolve("tls.key"), Pem.encode(nodeKey.getPrivate()));
      MqttClient agent =
          MqttClient.create(
              vertx,
              BrokerClients.options(
                  new TestPki.ClientTls(
                      nodeDir.resolve("tls.crt"), nodeDir.resolve("tls.key"), ca)));
      BrokerClients.connect(agent, port);
      BrokerClients.publish(agent, Topics.heartbeat(other), "forged", false);
      BrokerClients.publish(agent, Topics.heartbeat(node), "own", false);
      // One connection's messages arrive in order: once its own is in, the forged one would be.
      MqttPublishMessage first = heard.poll(30, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.topicName()).isEqualTo(Topics.heartbeat(node));
      assertThat(first.payload().toString(StandardCharsets.UTF_8)).isEqualTo("own");
      assertThat(heard).isEmpty();

      MqttClient anonymous =
          MqttClient.create(vertx, BrokerClients.anonymous(tls.resolve("ca.crt").toString()));
      assertThatThrownBy(() -> BrokerClients.connect(anonymous, port))
          .isInstanceOf(ExecutionException.class);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /**
   * An upgrade keeps the authority (every node certificate issued with it stays valid), and a
   * certificate whose Secret was deleted is issued again, by the same authority: how the broker's
   * and the operator's certificates are renewed.
   */
  @Test
  void anUpgradeKeepsTheAuthorityAndRenewsADeletedCertificateWithIt(TestBed bed) throws Exception {
    KubernetesClient host = bed.client(TestBed.HOST);
    String authorityBefore = field(secret(host, RELEASE + "-broker-authority"), "ca.crt");
    String relayerBefore = field(secret(host, RELEASE + "-broker-relayer"), "tls.crt");
    host.secrets().inNamespace(NS).withName(RELEASE + "-broker-relayer").delete();
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                host.secrets().inNamespace(NS).withName(RELEASE + "-broker-relayer").get() == null);

    chart(bed).install(RELEASE, SETTINGS);

    String authorityAfter = field(secret(host, RELEASE + "-broker-authority"), "ca.crt");
    String relayerAfter = field(secret(host, RELEASE + "-broker-relayer"), "tls.crt");
    assertThat(authorityAfter).isEqualTo(authorityBefore);
    assertThat(relayerAfter).isNotEqualTo(relayerBefore);
    X509Certificate renewed = Pem.certificate(relayerAfter);
    renewed.verify(Pem.certificate(authorityAfter).getPublicKey());
    assertThat(renewed.getSubjectX500Principal().getName()).isEqualTo("CN=aifabric-relayer");
  }

  private static Secret secret(KubernetesClient host, String name) {
    Secret secret = host.secrets().inNamespace(NS).withName(name).get();
    assertThat(secret).as("Secret " + name).isNotNull();
    return secret;
  }

  private static String field(Secret secret, String key) {
    return new String(
        Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8);
  }

  private static TestPki.ClientTls clientTls(
      KubernetesClient host, String secretName, Path dir, String name) throws Exception {
    Secret secret = secret(host, secretName);
    Path d = Files.createDirectories(dir.resolve(name));
    Pem.writePublic(d.resolve("ca.crt"), field(secret, "ca.crt"));
    Pem.writePublic(d.resolve("tls.crt"), field(secret, "tls.crt"));
    Pem.writeSecret(d.resolve("tls.key"), field(secret, "tls.key"));
    return new TestPki.ClientTls(d.resolve("tls.crt"), d.resolve("tls.key"), d.resolve("ca.crt"));
  }
}
