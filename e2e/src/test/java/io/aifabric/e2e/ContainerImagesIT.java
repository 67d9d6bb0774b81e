package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.protocol.seal.SealedOutputObjects;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.BridgeChart;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.AnvilChain;
import io.aifabric.testing.FreePort;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Keys;

/**
 * The images {@code images/build.sh} builds (no container engine, no registry pull), run with
 * podman as a user would: each is tagged as the charts expect, runs as the non-root user 10001 with
 * the charts' entry point, and holds what that entry point runs; the scheduler extender's image,
 * given its TLS files and a kubeconfig as the chart mounts them, starts and answers its health
 * endpoint against a real API server.
 */
@ExtendWith(TestBedExtension.class)
@Order(7)
class ContainerImagesIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TAG = "0.1.0"; // the charts' appVersion
  // An oracle's key for the bridge's image (anvil's well-known second dev key), and its address.
  private static final String ORACLE_KEY =
      "59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
  private static final String ORACLE_KEY_ADDRESS = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
  private static Path images;
  private static Path podmanConf;
  private static TestBed bed;

  @BeforeAll
  static void images(TestBed testBed) throws Exception {
    bed = testBed;
    images = AifabricApi.repoRoot().resolve("target/images");
    assertThat(images.resolve("scheduler-extender.tar"))
        .as("the images are built by images/build.sh (.ci/run builds them)")
        .exists();
    // podman here: runc (crun fails on this machine's hybrid cgroups) and ulimits the machine has.
    podmanConf = bed.dir().resolve("containers.conf");
    Files.writeString(
        podmanConf,
        """
        [containers]
        default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
        [engine]
        runtime = "runc"
        """);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "operator",
        "node-agent",
        "member-agent",
        "scheduler-extender",
        "escrow-bridge",
        "output-sealer",
        "console"
      })
  void eachImageIsTaggedAsTheChartsExpectAndRunsAsNonRoot(String service) throws Exception {
    Path archive = images.resolve(service + ".tar");
    String image = load(archive);
    assertThat(image).isEqualTo("ghcr.io/aifabric/" + service + ":" + TAG);
    JsonNode config =
        JSON.readTree(run(List.of("skopeo", "inspect", "--config", "docker-archive:" + archive)))
            .path("config");
    assertThat(config.path("User").asText()).isEqualTo("10001:10001");
    List<String> entrypoint = new ArrayList<>();
    config.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
    assertThat(entrypoint).first().isEqualTo("java");
    String jar = entrypoint.get(entrypoint.size() - 1);
    // What the entry point runs is there, and the image's own user can read it.
    String listed =
        run(
            List.of(
                "podman",
                "run",
                "--rm",
                "--entrypoint",
                "sh",
                image,
                "-c",
                "id -u && test -r " + jar + " && java -version 2>&1 | head -1"));
    assertThat(listed).startsWith("10001").contains("17.");
  }

  @Test
  void theSchedulerExtendersImageStartsAndAnswersItsHealthEndpoint() throws Exception {
    String image = load(images.resolve("scheduler-extender.tar"));
    Path tls = Files.createDirectories(bed.dir().resolve("image-extender-tls"));
    TestPki pki = TestPki.create(tls);
    Path kubeconfig = tls.resolve("kubeconfig");
    Files.copy(
        bed.kubeconfig("member-a"), kubeconfig, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    readableByTheImagesUser(
        List.of(pki.serverCertificate(), pki.serverKey(), pki.caCertificate(), kubeconfig));
    int port = FreePort.next();
    int management = FreePort.next();
    String name = "aifabric-extender-image-" + management;
    runDetached(
        name,
        "-v",
        tls + ":/etc/aifabric/extender-tls:ro",
        "-e",
        "AIFABRIC_EXTENDER_TLS_CERTIFICATE=/etc/aifabric/extender-tls/server.crt",
        "-e",
        "AIFABRIC_EXTENDER_TLS_KEY=/etc/aifabric/extender-tls/server.key",
        "-e",
        "AIFABRIC_EXTENDER_TLS_CA=/etc/aifabric/extender-tls/ca.crt",
        "-e",
        "KUBECONFIG=/etc/aifabric/extender-tls/kubeconfig",
        "-e",
        "QUARKUS_HTTP_SSL_PORT=" + port,
        "-e",
        "QUARKUS_MANAGEMENT_PORT=" + management,
        image);
    try {
      assertThat(awaitReady(management)).contains("\"status\": \"UP\"");
    } finally {
      run(List.of("podman", "rm", "-f", name));
    }
  }

  /**
   * The operator's image as the control-plane chart runs it (leader election on, its broker
   * identity and the broker authority from mounted files), against the test bed's host with the API
   * installed and a real broker configured as the network's: it takes the Lease and is ready (its
   * controllers started, its three MQTT channels connected).
   */
  @Test
  void theOperatorsImageStartsLeadsAndAnswersItsHealthEndpoint() throws Exception {
    String image = load(images.resolve("operator.tar"));
    var host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    Path dir = Files.createDirectories(bed.dir().resolve("image-operator-" + System.nanoTime()));
    try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"))) {
      Path mounted = Files.createDirectories(dir.resolve("mounted"));
      TestPki.ClientTls tls = broker.pki().client(BrokerIdentities.OPERATOR);
      Files.copy(tls.certificate(), mounted.resolve("tls.crt"));
      Files.copy(tls.key(), mounted.resolve("tls.key"));
      Files.copy(tls.ca(), mounted.resolve("ca.crt"));
      Files.copy(broker.pki().caKey(), mounted.resolve("ca.key"));
      Files.copy(bed.kubeconfig(TestBed.HOST), mounted.resolve("kubeconfig"));
      try (var files = Files.list(mounted)) {
        readableByTheImagesUser(files.toList());
      }
      int http = FreePort.next();
      String name = "aifabric-operator-image-" + http;
      String lease = "image-operator-" + http;
      String at = "/var/run/aifabric/";
      runDetached(
          name,
          "-v",
          mounted + ":" + at + ":ro",
          "-e",
          "KUBECONFIG=" + at + "kubeconfig",
          "-e",
          "QUARKUS_HTTP_PORT=" + http,
          "-e",
          "AIFABRIC_INSTANCE_NAME=" + name,
          "-e",
          "AIFABRIC_LEADER_ELECTION_ENABLED=true",
          "-e",
          "AIFABRIC_LEADER_ELECTION_NAMESPACE=default",
          "-e",
          "AIFABRIC_LEADER_ELECTION_LEASE_NAME=" + lease,
          "-e",
          "AIFABRIC_BROKER_HOST=127.0.0.1",
          "-e",
          "AIFABRIC_BROKER_PORT=" + broker.port(),
          "-e",
          "AIFABRIC_BROKER_TLS_CERTIFICATE=" + at + "tls.crt",
          "-e",
          "AIFABRIC_BROKER_TLS_KEY=" + at + "tls.key",
          "-e",
          "AIFABRIC_BROKER_TLS_CA=" + at + "ca.crt",
          "-e",
          "AIFABRIC_BROKER_AUTHORITY_CERTIFICATE=" + at + "ca.crt",
          "-e",
          "AIFABRIC_BROKER_AUTHORITY_KEY=" + at + "ca.key",
          image);
      try {
        assertThat(awaitReady(http)).contains("\"status\": \"UP\"");
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  var held = host.leases().inNamespace("default").withName(lease).get();
                  return held != null && name.equals(held.getSpec().getHolderIdentity());
                });
      } finally {
        remove(name);
      }
    }
  }

  /**
   * The console's image as the control-plane chart runs it (read-only root, its kubeconfig
   * mounted), against the test bed's host with the API installed: ready once its informers have
   * listed the network, and its pages served with their security headers.
   */
  @Test
  void theConsolesImageStartsAndServesItsPages() throws Exception {
    String image = load(images.resolve("console.tar"));
    AifabricApi.install(bed.client(TestBed.HOST));
    Path mounted = Files.createDirectories(bed.dir().resolve("image-console-" + System.nanoTime()));
    Files.copy(bed.kubeconfig(TestBed.HOST), mounted.resolve("kubeconfig"));
    readableByTheImagesUser(List.of(mounted.resolve("kubeconfig")));
    int http = FreePort.next();
    int management = FreePort.next();
    String name = "aifabric-console-image-" + http;
    runDetached(
        name,
        "--read-only",
        "--tmpfs",
        "/tmp",
        "-v",
        mounted + ":/var/run/aifabric:ro",
        "-e",
        "KUBECONFIG=/var/run/aifabric/kubeconfig",
        "-e",
        "QUARKUS_HTTP_PORT=" + http,
        "-e",
        "QUARKUS_MANAGEMENT_PORT=" + management,
        image);
    try {
      assertThat(awaitReady(management)).contains("\"status\": \"UP\"");
      HttpResponse<String> page =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("GPU-hours served");
      assertThat(page.headers().firstValue("Content-Security-Policy")).isPresent();
    } finally {
      remove(name);
    }
  }

  /**
   * The escrow bridge's image as its chart runs it (an oracle: its key, its broker identity and CA
   * mounted as files, the release's ServiceAccount token) against the test bed's host with the API
   * installed, a real broker configured as the network's and an anvil chain: it is ready (its
   * controller started, its broker connection up) and serves its metrics.
   */
  @Test
  void theEscrowBridgesImageStartsAndAnswersItsHealthEndpoint() throws Exception {
    String image = load(images.resolve("escrow-bridge.tar"));
    var host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    String namespace = "image-bridge";
    host.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .serverSideApply();
    Path dir = Files.createDirectories(bed.dir().resolve("image-bridge-" + System.nanoTime()));
    try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"));
        AnvilChain chain = AnvilChain.start(dir.resolve("anvil.log"))) {
      Credentials deployer = chain.fundedAccount(10);
      // This oracle and two others (two of three sign).
      List<String> oracles =
          List.of(
              ORACLE_KEY_ADDRESS,
              Credentials.create(Keys.createEcKeyPair()).getAddress(),
              Credentials.create(Keys.createEcKeyPair()).getAddress());
      String escrow = SettlementNetwork.deployEscrow(chain, deployer, oracles).getContractAddress();
      String registry =
          SettlementNetwork.deployRegistry(chain, deployer, oracles).getContractAddress();
      String release = "oracle";
      BridgeChart chart =
          new BridgeChart(bed, namespace)
              .install(
                  release,
                  "chain.rpcUrl=" + chain.url(),
                  "chain.id=" + AnvilChain.CHAIN_ID,
                  "chain.escrow=" + escrow,
                  "chain.registry=" + registry,
                  "broker.host=127.0.0.1",
                  "broker.port=" + broker.port(),
                  "broker.tls.secretName=oracle-broker-tls",
                  "oracle.keySecret.name=oracle-key");
      Path mounted = Files.createDirectories(dir.resolve("mounted"));
      TestPki.ClientTls tls = broker.pki().client(BrokerIdentities.ORACLE);
      Files.copy(tls.certificate(), mounted.resolve("tls.crt"));
      Files.copy(tls.key(), mounted.resolve("tls.key"));
      Files.copy(tls.ca(), mounted.resolve("ca.crt"));
      Files.writeString(mounted.resolve("oracle.key"), ORACLE_KEY);
      Files.copy(chart.kubeconfig(release), mounted.resolve("kubeconfig"));
      try (var files = Files.list(mounted)) {
        readableByTheImagesUser(files.toList());
      }
      int http = FreePort.next();
      String name = "aifabric-bridge-image-" + http;
      String at = "/var/run/aifabric/";
      runDetached(
          name,
          "--read-only",
          "--tmpfs",
          "/tmp",
          "-v",
          mounted + ":" + at + ":ro",
          "-e",
          "KUBECONFIG=" + at + "kubeconfig",
          "-e",
          "QUARKUS_HTTP_PORT=" + http,
          "-e",
          "AIFABRIC_BRIDGE_RPC_URL=" + chain.url(),
          "-e",
          "AIFABRIC_BRIDGE_CHAIN_ID=" + AnvilChain.CHAIN_ID,
          "-e",
          "AIFABRIC_BRIDGE_ESCROW=" + escrow,
          "-e",
          "AIFABRIC_BRIDGE_REGISTRY=" + registry,
          "-e",
          "AIFABRIC_BRIDGE_NAMESPACE=" + namespace,
          "-e",
          "AIFABRIC_BRIDGE_CLIENT_ID=" + name,
          "-e",
          "AIFABRIC_BRIDGE_ORACLE_KEY_FILE=" + at + "oracle.key",
          "-e",
          "AIFABRIC_BROKER_HOST=127.0.0.1",
          "-e",
          "AIFABRIC_BROKER_PORT=" + broker.port(),
          "-e",
          "AIFABRIC_BROKER_TLS_CERTIFICATE=" + at + "tls.crt",
          "-e",
          "AIFABRIC_BROKER_TLS_KEY=" + at + "tls.key",
          "-e",
          "AIFABRIC_BROKER_TLS_CA=" + at + "ca.crt",
          image);
      try {
        assertThat(awaitReady(http)).contains("\"status\": \"UP\"");
        String metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(metrics).contains("jvm_threads_live_threads");
      } finally {
        remove(name);
      }
    }
  }

  /**
   * The output sealer's image as the operator runs it, a native sidecar (read-only root, the job's
   * output directory read-only, its replica's presigned upload URL mounted): it waits for the job
   * to end, and on SIGTERM seals the output to the user's key, uploads it to a real S3 store
   * (SeaweedFS) at the replica's key and writes its report where the kubelet reads termination
   * messages. It serves nothing, so this is what "started" means for it.
   */
  @Test
  void theOutputSealersImageSealsTheOutputToTheUsersKeyAndUploadsIt() throws Exception {
    String image = load(images.resolve("output-sealer.tar"));
    Path dir = Files.createDirectories(bed.dir().resolve("image-sealer-" + System.nanoTime()));
    try (ObjectStoreProcess store =
        ObjectStoreProcess.start(
            ObjectStoreProcess.defaultBinary(), dir.resolve("store"), "outputs")) {
      String uid = UUID.randomUUID().toString();
      String key = SealedOutputObjects.key("aifabric", uid, 0);
      Path output = Files.createDirectories(dir.resolve("output"));
      String text = "summaries of shard 0, sealed in the image";
      Files.writeString(output.resolve("result.txt"), text);
      Path upload = Files.createDirectories(dir.resolve("upload"));
      Files.writeString(upload.resolve("0"), store.presignedPut(key, Duration.ofMinutes(10)));
      Path report = Files.createDirectories(dir.resolve("report"));
      Files.setPosixFilePermissions(report, PosixFilePermissions.fromString("rwxrwxrwx"));
      readableByTheImagesUser(List.of(output.resolve("result.txt"), upload.resolve("0")));
      X25519KeyPair user = X25519KeyPair.generate(new SecureRandom());
      String name = "aifabric-sealer-image-" + System.nanoTime() % 100_000;
      runDetached(
          name,
          "--read-only",
          "--tmpfs",
          "/tmp",
          "-v",
          output + ":/aifabric/output:ro",
          "-v",
          upload + ":/aifabric/upload:ro",
          "-v",
          report + ":/aifabric/report",
          "-e",
          "AIFABRIC_SEAL_RECIPIENT=" + user.publicKeyBase64(),
          "-e",
          "AIFABRIC_SEAL_NETWORK=aifabric",
          "-e",
          "AIFABRIC_SEAL_JOB_UID=" + uid,
          "-e",
          "AIFABRIC_SEAL_REPLICA=0",
          "-e",
          "AIFABRIC_SEAL_TERMINATION_LOG=/aifabric/report/termination-log",
          image);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> run(List.of("podman", "logs", name)).contains("waiting for the job"));
        // The job's container ended: the kubelet stops the sidecar with SIGTERM.
        run(List.of("podman", "stop", "-t", "60", name));
        assertThat(run(List.of("podman", "inspect", "--format", "{{.State.ExitCode}}", name)))
            .isEqualToIgnoringWhitespace("0");
        byte[] sealed = store.objects().get(key);
        assertThat(sealed).as("the sealed output at " + key).isNotNull();
        assertThat(new String(sealed, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("AIFS");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(text);
        assertThat(JSON.readTree(report.resolve("termination-log").toFile()).size())
            .as("its report for the node's receipt")
            .isPositive();
      } finally {
        remove(name);
      }
    }
  }

  /**
   * The node agent's image as the member chart's DaemonSet runs it (root for the GPU devices, but
   * no capabilities, no privilege escalation, a read-only root file system, its keys on the host
   * path mounted at /var/lib/aifabric) with the credentials the kubelet would give its pod on a GPU
   * node of its own: it makes the node's keys there, owner-only, and registers them on its Node,
   * signed with the key it holds. It serves no HTTP: this is what "started" means for it.
   */
  @Test
  void theNodeAgentsImageMakesTheNodesKeysAndRegistersThemOnItsNode() throws Exception {
    String image = load(images.resolve("node-agent.tar"));
    String node = "image-agent-" + System.nanoTime() % 100_000;
    var member = bed.client("member-a");
    member.nodes().resource(KwokGpuNode.of(node, "NVIDIA-L4", 1, 23034)).create();
    Path dir = Files.createDirectories(bed.dir().resolve("image-agent-" + node));
    try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"))) {
      Path mounted = Files.createDirectories(dir.resolve("mounted"));
      Path keys = Files.createDirectories(dir.resolve("host-keys"));
      Files.copy(broker.pki().caCertificate(), mounted.resolve("ca.crt"));
      Files.copy(
          new MemberChart(bed, "member-a")
              .installFor(node, "127.0.0.1", broker.port(), broker.pki().caCertificate())
              .agentKubeconfig(node),
          mounted.resolve("kubeconfig"));
      try (var files = Files.list(mounted)) {
        readableByTheImagesUser(files.toList());
      }
      String name = "aifabric-agent-image-" + node;
      runDetached(
          name,
          "--user",
          "0:0",
          "--read-only",
          "--cap-drop",
          "ALL",
          "--security-opt",
          "no-new-privileges",
          "--tmpfs",
          "/tmp",
          "-v",
          keys + ":/var/lib/aifabric",
          "-v",
          mounted + ":/etc/aifabric/broker:ro",
          "-e",
          "KUBECONFIG=/etc/aifabric/broker/kubeconfig",
          "-e",
          "AIFABRIC_AGENT_NODE_NAME=" + node,
          "-e",
          "AIFABRIC_AGENT_CLUSTER=member-a",
          "-e",
          "AIFABRIC_AGENT_BROKER_HOST=127.0.0.1",
          "-e",
          "AIFABRIC_AGENT_BROKER_PORT=" + broker.port(),
          "-e",
          "AIFABRIC_AGENT_BROKER_TLS_DIR=/var/lib/aifabric/broker",
          "-e",
          "AIFABRIC_AGENT_BROKER_TLS_CA=/etc/aifabric/broker/ca.crt",
          "-e",
          "AIFABRIC_AGENT_KEY_FILE=/var/lib/aifabric/node-keys.json",
          // No nvidia-smi without a GPU: the inventory the KWOK node lists, declared.
          "-e",
          "AIFABRIC_AGENT_INVENTORY_SOURCE=declared",
          "-e",
          "AIFABRIC_AGENT_INVENTORY_MODEL=NVIDIA L4",
          "-e",
          "AIFABRIC_AGENT_INVENTORY_COUNT=1",
          "-e",
          "AIFABRIC_AGENT_INVENTORY_MEMORY_MIB=23034",
          image);
      try {
        String registration =
            await()
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofSeconds(1))
                .until(
                    () -> {
                      var annotations =
                          member.nodes().withName(node).get().getMetadata().getAnnotations();
                      return annotations == null
                          ? null
                          : annotations.get(RegistrationCodec.ANNOTATION);
                    },
                    a -> a != null);
        NodeRegistration.Signed signed = RegistrationCodec.decode(registration);
        assertThat(signed.isValid()).as("signed by the key it registers").isTrue();
        assertThat(signed.registration().cluster()).isEqualTo("member-a");
        assertThat(signed.registration().nodeName()).isEqualTo(node);
        // The keys it registered are the ones it keeps on the host path, readable by root only.
        Path keyFile = keys.resolve("node-keys.json");
        assertThat(Files.getPosixFilePermissions(keyFile))
            .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(JSON.readTree(keyFile.toFile()).path("address").asText())
            .isEqualTo(signed.registration().key().address().checksummed());
      } finally {
        remove(name);
        member.nodes().withName(node).delete();
      }
    }
  }

  /** The charts mount them readable by the pod's user; here, test files for uid 10001. */
  private static void readableByTheImagesUser(List<Path> files) throws IOException {
    for (Path f : files) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    }
  }

  /** Polls the health endpoint on this port until it answers 200; returns its body. */
  private static String awaitReady(int port) {
    HttpClient http = HttpClient.newHttpClient();
    return await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(
            () ->
                http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()),
            r -> r.statusCode() == 200)
        .body();
  }

  /**
   * {@code podman run -d --name NAME --network host ARGS...}: a container on the host's network.
   */
  private static void runDetached(String name, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("podman", "run", "-d", "--name", name, "--network", "host"));
    command.addAll(List.of(args));
    run(command);
  }

  /** Keeps what the container logged (under the test bed's directory), then removes it. */
  private static void remove(String container) throws IOException, InterruptedException {
    Files.writeString(
        bed.dir().resolve(container + ".log"), run(List.of("podman", "logs", container)));
    run(List.of("podman", "rm", "-f", container));
  }

  /** Loads the archive into podman's store; returns the image's name. */
  private static String load(Path archive) throws Exception {
    String out = run(List.of("podman", "load", "-q", "-i", archive.toString()));
    return out.strip().replaceFirst("^Loaded image(\\(s\\))?: ", "");
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CONTAINERS_CONF", podmanConf.toString());
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }
}
