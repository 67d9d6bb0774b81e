package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.FreePort;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
      strings = {"operator", "node-agent", "scheduler-extender", "escrow-bridge", "output-sealer"})
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
    run(
        List.of(
            "podman",
            "run",
            "-d",
            "--name",
            name,
            "--network",
            "host",
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
            image));
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
      run(
          List.of(
              "podman",
              "run",
              "-d",
              "--name",
              name,
              "--network",
              "host",
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
              image));
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
        run(List.of("podman", "rm", "-f", name));
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
