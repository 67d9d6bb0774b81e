package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.EnvVar;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.GpuCapacity;
import io.aifabric.api.v1alpha1.membercluster.GpuPrice;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterSpec;
import io.aifabric.api.v1alpha1.membercluster.SecretKeyRef;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.MosquittoBroker;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The federation's user stories, on the real host and members, with the packaged operator. */
@Order(10)
class FederationE2E extends FederatedE2E {
  private static final java.security.PublicKey BROKER_PUBLIC_KEY =
      io.aifabric.protocol.broker.BrokerAuthority.newKeyPair(new java.security.SecureRandom())
          .getPublic();
  private static final byte[] BROKER_KEY = BROKER_PUBLIC_KEY.getEncoded();

  private static KubernetesClient host() {
    return federation.host;
  }

  static final String H100 = "NVIDIA-H100-80GB-HBM3";
  static final String A100 = "NVIDIA-A100-SXM4-40GB";
  static final String RTX4090 = "NVIDIA-GeForce-RTX-4090";

  // 1. Join a cluster

  @Test
  void membersJoinWithTheirVersionAndGpuCapacityByModel() {
    MemberCluster a = federation.member("member-a");
    assertThat(a.getStatus().getKubernetesVersion()).isEqualTo("v1.36.3");
    assertThat(Federation.condition(a, "Reachable").orElseThrow().getStatus()).isEqualTo("True");
    assertThat(a.getStatus().getGpuCapacity())
        .extracting(GpuCapacity::getModel, GpuCapacity::getTotal, GpuCapacity::getMemoryMiB)
        .contains(
            org.assertj.core.groups.Tuple.tuple(H100, 80, 81559),
            org.assertj.core.groups.Tuple.tuple(A100, 40, 40960));
    // (Another story adds L40S nodes to member-b: count the models the test bed started with.)
    assertThat(federation.member("member-b").getStatus().getGpuCapacity())
        .extracting(GpuCapacity::getModel, GpuCapacity::getTotal)
        .contains(
            org.assertj.core.groups.Tuple.tuple(A100, 40),
            org.assertj.core.groups.Tuple.tuple(RTX4090, 40));
  }

  @Test
  void everyGpuNodeBecomesAComputeNode() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<ComputeNode> nodes =
                  host()
                      .resources(ComputeNode.class)
                      .withLabel("aifabric.io/cluster", "member-b")
                      .list()
                      .getItems();
              assertThat(nodes).hasSizeGreaterThanOrEqualTo(20);
            });
    ComputeNode cn = host().resources(ComputeNode.class).withName("member-b.gpu-rtx4090-01").get();
    assertThat(cn.getSpec().getCluster()).isEqualTo("member-b");
    assertThat(cn.getStatus().getGpu().getProduct()).isEqualTo(RTX4090);
    assertThat(cn.getStatus().getGpu().getCount()).isEqualTo(4);
    assertThat(cn.getStatus().getGpu().getMemoryMiB()).isEqualTo(24564);
    assertThat(cn.getStatus().getGpu().getDriverVersion()).isEqualTo("550.127.05");
    assertThat(cn.getStatus().getGpu().getCudaVersion()).isEqualTo("12.4");
    assertThat(cn.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Schedulable");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    assertThat(cn.getMetadata().getOwnerReferences())
        .extracting("kind")
        .containsExactly("MemberCluster");
  }

  @Test
  void computeNodesFollowTheMembersNodes(TestBed bed) {
    String node = "gpu-extra-" + UUID.randomUUID().toString().substring(0, 5);
    KubernetesClient memberA = bed.client("member-a");
    memberA.resource(gpuNode(node, H100, 81559, 8)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> host().resources(ComputeNode.class).withName("member-a." + node).get() != null);
    memberA.nodes().withName(node).delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> host().resources(ComputeNode.class).withName("member-a." + node).get() == null);
  }

  @Test
  void aNodeAgentsRegistrationGivesItsComputeNodeItsKeysAndOnlyThenABrokerCertificate(TestBed bed)
      throws Exception {
    KubernetesClient memberA = bed.client("member-a");
    String suffix = UUID.randomUUID().toString().substring(0, 5);
    String good = "gpu-agent-" + suffix;
    String copied = "gpu-copied-" + suffix;
    String forged = "gpu-forged-" + suffix;
    NodeKey key = NodeKey.generate(new SecureRandom());
    NodeKey thief = NodeKey.generate(new SecureRandom());
    String registration =
        RegistrationCodec.encode(
            new NodeRegistration("member-a", good, key.publicKey(), new byte[32], BROKER_KEY, 1L)
                .sign(key));
    NodeRegistration claimed =
        new NodeRegistration("member-a", forged, key.publicKey(), new byte[32], BROKER_KEY, 1L);
    String forgedRegistration =
        RegistrationCodec.encode(
            new NodeRegistration.Signed(claimed, thief.sign(claimed.digest())));
    Map<String, String> annotations =
        Map.of(good, registration, copied, registration, forged, forgedRegistration);
    for (var e : annotations.entrySet()) {
      createRegisteredNode(memberA, e.getKey(), e.getValue());
    }
    try {
      assertRegistered(good, "True", "Registered");
      ComputeNode cn = host().resources(ComputeNode.class).withName("member-a." + good).get();
      assertThat(cn.getStatus().getIdentity().getAddress()).isEqualTo(key.address().checksummed());
      assertThat(cn.getStatus().getIdentity().getPublicKey())
          .isEqualTo(io.aifabric.protocol.Hex.encode(key.publicKey().toBytes()));
      assertRegistered(copied, "False", "WrongNode");
      assertRegistered(forged, "False", "BadSignature");
      assertThat(host().resources(ComputeNode.class).withName("member-a." + forged).get())
          .extracting(n -> n.getStatus().getIdentity())
          .isNull();

      // The recorded registration earns the node its broker certificate, on its Node: CN = its
      // address, for the broker key it registered, from the network's authority.
      String certificate =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> brokerCertificateOn(memberA, good), java.util.Objects::nonNull);
      assertThat(
              io.aifabric.protocol.broker.ClientCertificateCheck.problem(
                  certificate,
                  io.aifabric.protocol.broker.Pem.certificate(
                      Files.readString(federation.broker.pki().caCertificate())),
                  key.address().toString(),
                  BROKER_PUBLIC_KEY,
                  java.time.Instant.now(),
                  Duration.ofDays(1)))
          .isEmpty();
      // Two whole probes later (the second began after the certificate was seen), neither the
      // copied nor the forged registration has earned one.
      String probes = "aifabric_member_probe_seconds_count{cluster=\"member-a\"}";
      double seen = PrometheusText.sample(federation.operator.metrics(), probes);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> PrometheusText.sample(federation.operator.metrics(), probes) >= seen + 2);
      assertThat(brokerCertificateOn(memberA, copied)).isNull();
      assertThat(brokerCertificateOn(memberA, forged)).isNull();
    } finally {
      annotations.keySet().forEach(n -> memberA.nodes().withName(n).delete());
    }
  }

  @Test
  void signedHeartbeatsMakeARegisteredNodeAvailableAndForgeriesAreCounted(TestBed bed)
      throws Exception {
    KubernetesClient memberA = bed.client("member-a");
    String node = "gpu-poa-" + UUID.randomUUID().toString().substring(0, 5);
    try (SimulatedAgent agent = new SimulatedAgent(federation.broker)) {
      createRegisteredNode(memberA, node, agent.registration("member-a", node));
      assertRegistered(node, "True", "Registered");
      assertAvailable(node, "False", "HeartbeatMissed");

      String before = federation.operator.metrics();
      var first = agent.nextHeartbeat();
      agent.publish(first);
      for (int i = 0; i < 4; i++) {
        // An agent's cadence, not a wait for a condition: heartbeats spread over two seconds.
        Thread.sleep(500);
        agent.publish(agent.nextHeartbeat());
      }
      assertAvailable(node, "True", "HeartbeatFresh");
      ComputeNode cn = host().resources(ComputeNode.class).withName("member-a." + node).get();
      assertThat(cn.getStatus().getAvailability().getLastHeartbeat()).isNotNull();
      assertThat(cn.getStatus().getAvailability().getLastSequence()).isPositive();

      // A replay and a forgery: refused, counted by reason.
      agent.publish(first);
      NodeKey thief = NodeKey.generate(new SecureRandom());
      var real = agent.nextHeartbeat().heartbeat();
      agent.publish(new io.aifabric.protocol.Heartbeat.Signed(real, thief.sign(real.digest())));
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                String after = federation.operator.metrics();
                assertThat(
                        increase(before, after, "aifabric_heartbeats_total{result=\"replayed\"}"))
                    .isEqualTo(1);
                assertThat(
                        increase(
                            before, after, "aifabric_heartbeats_total{result=\"bad_signature\"}"))
                    .isEqualTo(1);
                assertThat(
                        increase(before, after, "aifabric_heartbeats_total{result=\"accepted\"}"))
                    .isGreaterThanOrEqualTo(5);
              });

      // Silence: three intervals without a heartbeat and the node is no longer Available.
      assertAvailable(node, "False", "HeartbeatMissed");
    } finally {
      memberA.nodes().withName(node).delete();
    }
  }

  /**
   * Anyone on the broker can send: a packet beyond the broker's limit (64 KiB; the network's
   * messages are a few KiB at most) disconnects its sender and never reaches the operator, while a
   * small one after it does (counted as malformed: junk either way).
   */
  @Test
  void aPacketLargerThanTheBrokerTakesIsDroppedWithItsSender() throws Exception {
    try (SimulatedAgent anyone = new SimulatedAgent(federation.broker)) {
      String topic = io.aifabric.protocol.Topics.heartbeat(anyone.address());
      String before = federation.operator.metrics();

      assertThat(anyone.brokerDropsAPublishOf(topic, 2 * MosquittoBroker.MAX_PACKET_BYTES))
          .isTrue();
      anyone.publishRaw(
          topic, "{not a heartbeat".getBytes(java.nio.charset.StandardCharsets.UTF_8));

      String series = "aifabric_heartbeats_total{result=\"malformed\"}";
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> increase(before, federation.operator.metrics(), series), n -> n >= 1);
      assertThat(increase(before, federation.operator.metrics(), series)).isEqualTo(1);
    }
  }

  @Test
  void hardwareThatContradictsItsListingIsNotVerifiedAndIsASlashingCase(TestBed bed)
      throws Exception {
    KubernetesClient memberA = bed.client("member-a");
    String suffix = UUID.randomUUID().toString().substring(0, 5);
    String honest = "gpu-honest-" + suffix;
    String cheat = "gpu-cheat-" + suffix;
    String copier = "gpu-copier-" + suffix;
    List<String> honestUuids =
        java.util.stream.IntStream.range(0, 8).mapToObj(i -> "GPU-" + suffix + "-" + i).toList();
    try (SimulatedAgent a = new SimulatedAgent(federation.broker);
        SimulatedAgent b = new SimulatedAgent(federation.broker);
        SimulatedAgent c = new SimulatedAgent(federation.broker)) {
      Map<String, SimulatedAgent> agents = Map.of(honest, a, cheat, b, copier, c);
      for (var e : agents.entrySet()) {
        createRegisteredNode(
            memberA, e.getKey(), e.getValue().registration("member-a", e.getKey()));
      }
      for (String node : agents.keySet()) {
        assertRegistered(node, "True", "Registered");
      }
      a.publishHardware(hardware(a, honestUuids, 80900));
      b.publishHardware(
          hardware(
              b,
              java.util.stream.IntStream.range(0, 8)
                  .mapToObj(i -> "GPU-" + suffix + "-b" + i)
                  .toList(),
              40960));
      assertVerified(honest, "True", "MeasuredAsListed");
      assertVerified(cheat, "False", "VramMismatch");
      ComputeNode cheated = host().resources(ComputeNode.class).withName("member-a." + cheat).get();
      assertThat(cheated.getStatus().getSlashingEvents())
          .anySatisfy(
              ev -> {
                assertThat(ev.getReason()).isEqualTo("VramMismatch");
                assertThat(ev.getEvidence()).startsWith("keccak256:0x");
              });
      assertThat(cheated.getStatus().getVerification().getMeasuredVramMiB()).isEqualTo(40960);

      // A node reporting another node's GPUs: both are flagged.
      c.publishHardware(hardware(c, honestUuids, 80900));
      assertVerified(copier, "False", "DuplicateGpuUuid");
      assertVerified(honest, "False", "DuplicateGpuUuid");
    } finally {
      List.of(honest, cheat, copier).forEach(n -> memberA.nodes().withName(n).delete());
    }
  }

  private static io.aifabric.protocol.HardwareReport hardware(
      SimulatedAgent agent, List<String> uuids, int measuredMiB) {
    return new io.aifabric.protocol.HardwareReport(
        agent.key.address(),
        System.currentTimeMillis(),
        "simulated",
        uuids.stream()
            .map(u -> new io.aifabric.protocol.HardwareReport.Gpu(u, H100, 81559, measuredMiB, 900))
            .toList());
  }

  @Test
  void theOperatorListensAgainAfterABrokerRestart(TestBed bed) throws Exception {
    KubernetesClient memberA = bed.client("member-a");
    String node = "gpu-restart-" + UUID.randomUUID().toString().substring(0, 5);
    try (SimulatedAgent before = new SimulatedAgent(federation.broker)) {
      createRegisteredNode(memberA, node, before.registration("member-a", node));
      assertRegistered(node, "True", "Registered");
      before.publish(before.nextHeartbeat());
      assertAvailable(node, "True", "HeartbeatFresh");

      federation.broker.stop();
      Thread.sleep(3_000);
      federation.broker.startAgain();

      // The same node, reconnected: its heartbeats count again once the operator has resubscribed.
      try (SimulatedAgent after = before.reconnect()) {
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofSeconds(1))
            .untilAsserted(
                () -> {
                  after.publish(after.nextHeartbeat());
                  ComputeNode cn =
                      host().resources(ComputeNode.class).withName("member-a." + node).get();
                  assertThat(cn.getStatus().getAvailability().getLastSequence()).isGreaterThan(1L);
                });
        assertAvailable(node, "True", "HeartbeatFresh");
      }
    } finally {
      memberA.nodes().withName(node).delete();
    }
  }

  @Test
  void aFinishedJobIsReceiptedOnlyByTheNodeThatRanIt(TestBed bed) throws Exception {
    AIJob done =
        federation.awaitPhase(
            federation.create(Federation.exampleJob("20-aijob-inference.yaml", ns, "receipted")),
            JobPhase.Succeeded,
            Duration.ofSeconds(60));
    String uid = done.getMetadata().getUid();
    String cluster = done.getStatus().getPlacement().getCluster();
    String ranOn = done.getStatus().getPlacement().getNodes().get(0);
    String bystander = "gpu-bystander-" + UUID.randomUUID().toString().substring(0, 5);
    KubernetesClient member = bed.client(cluster);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Federation.condition(federation.get(done), "Receipted"))
                    .hasValueSatisfying(
                        c -> assertThat(c.getReason()).isEqualTo("AwaitingReceipts")));
    try (SimulatedAgent ran = new SimulatedAgent(federation.broker);
        SimulatedAgent other = new SimulatedAgent(federation.broker)) {
      member
          .nodes()
          .withName(ranOn)
          .edit(
              n -> {
                n.getMetadata()
                    .getAnnotations()
                    .put(RegistrationCodec.ANNOTATION, ran.registration(cluster, ranOn));
                return n;
              });
      createRegisteredNode(member, bystander, other.registration(cluster, bystander));
      assertNodeCondition(cluster, ranOn, "Registered", "True", "Registered");
      assertNodeCondition(cluster, bystander, "Registered", "True", "Registered");

      // A registered node that did not run the job claims its work: refused, counted.
      String before = federation.operator.metrics();
      other.publishReceipt(uid, 0, 3600);
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(
                          increase(
                              before,
                              federation.operator.metrics(),
                              "aifabric_receipts_total{result=\"not_run_here\"}"))
                      .isEqualTo(1));
      assertThat(federation.get(done).getStatus().getReceiptCount()).isZero();

      ran.publishReceipt(uid, 0, done.getStatus().getGpuSeconds());
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                AIJob now = federation.get(done);
                assertThat(now.getStatus().getReceiptCount()).isEqualTo(1);
                assertThat(now.getStatus().getReceiptsDigest()).startsWith("0x").hasSize(66);
                assertThat(Federation.condition(now, "Receipted"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              });
    } finally {
      member
          .nodes()
          .withName(ranOn)
          .edit(
              n -> {
                n.getMetadata().getAnnotations().remove(RegistrationCodec.ANNOTATION);
                return n;
              });
      member.nodes().withName(bystander).delete();
    }
  }

  /** Waits until the ComputeNode of {@code cluster}/{@code node} has the condition as given. */
  private void assertNodeCondition(
      String cluster, String node, String type, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ComputeNode cn =
                  host().resources(ComputeNode.class).withName(cluster + "." + node).get();
              assertThat(cn).isNotNull();
              assertThat(cn.getStatus()).isNotNull();
              assertThat(cn.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo(type);
                        assertThat(c.getStatus()).isEqualTo(status);
                        assertThat(c.getReason()).isEqualTo(reason);
                      });
            });
  }

  private void assertRegistered(String node, String status, String reason) {
    assertNodeCondition("member-a", node, "Registered", status, reason);
  }

  private void assertAvailable(String node, String status, String reason) {
    assertNodeCondition("member-a", node, "Available", status, reason);
  }

  private void assertVerified(String node, String status, String reason) {
    assertNodeCondition("member-a", node, "Verified", status, reason);
  }

  static Stream<Arguments> badKubeconfigs() {
    return Stream.of(
        Arguments.of(
            "secret missing",
            null,
            "KubeconfigSecretMissing",
            "not found: create it with kubectl create secret generic"),
        Arguments.of(
            "not a kubeconfig",
            "this is not yaml: [",
            "InvalidKubeconfig",
            "the kubeconfig cannot be parsed"),
        Arguments.of("nobody answers", "UNREACHABLE", "Unreachable", "does not answer"),
        Arguments.of(
            "a token file of the host's",
            unsafeKubeconfig("tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token", ""),
            "UnsafeKubeconfig",
            "users[u].user.tokenFile is not accepted"),
        Arguments.of(
            "a client certificate file of the host's",
            unsafeKubeconfig("client-certificate: /etc/ssl/certs/host.pem", ""),
            "UnsafeKubeconfig",
            "users[u].user.client-certificate is not accepted"),
        Arguments.of(
            "an auth provider",
            unsafeKubeconfig("auth-provider: {name: oidc, config: {}}", ""),
            "UnsafeKubeconfig",
            "users[u].user.auth-provider is not accepted"),
        Arguments.of(
            "TLS checks off",
            unsafeKubeconfig("token: t", ", insecure-skip-tls-verify: true"),
            "UnsafeKubeconfig",
            "clusters[gone].cluster.insecure-skip-tls-verify is not accepted"),
        Arguments.of(
            "no RBAC grants",
            "NOBODY",
            "Forbidden",
            "may not read the member's nodes or pods (HTTP 403)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badKubeconfigs")
  void aBadKubeconfigGivesReadyFalseWithAReason(
      String story, String kubeconfig, String reason, String message, TestBed bed)
      throws IOException {
    String name = "bad-" + UUID.randomUUID().toString().substring(0, 8);
    if (kubeconfig != null) {
      String content =
          switch (kubeconfig) {
            case "NOBODY" -> Files.readString(bed.nobodyKubeconfig("member-a"));
            // member-a's CA and a port nobody listens on
            case "UNREACHABLE" ->
                Files.readString(bed.kubeconfig("member-a"))
                    .replaceAll("server: \\S+", "server: https://127.0.0.1:9");
            default -> kubeconfig;
          };
      Federation.putKubeconfig(host(), name, content);
    }
    host().resource(memberCluster(name, name)).create();
    var ready = federation.awaitCondition(name, "Ready", "False");
    assertThat(ready.getReason()).isEqualTo(reason);
    assertThat(ready.getMessage()).contains(message);
    // And the members that work keep working.
    assertThat(
            Federation.condition(federation.member("member-a"), "Ready").orElseThrow().getStatus())
        .isEqualTo("True");
    host().resource(memberCluster(name, name)).delete();
  }

  @Test
  void aKubeconfigThatWouldRunACommandOnTheHostIsRefusedAndNothingRuns(TestBed bed)
      throws IOException {
    String name = "exec-" + UUID.randomUUID().toString().substring(0, 8);
    Path ran = bed.dir().resolve(name + ".ran");
    // What a provider could hand over: an exec plugin that runs a command on the host.
    String exec =
        String.join(
            "\n",
            "exec:",
            "      apiVersion: client.authentication.k8s.io/v1",
            "      command: sh",
            "      args:",
            "      - -c",
            "      - 'touch " + ran + "; echo {}'",
            "      interactiveMode: Never");
    Federation.putKubeconfig(
        host(),
        name,
        Files.readString(bed.kubeconfig("member-a"))
            .replaceAll("(?m)^( +)client-certificate-data: .*$", "$1" + exec)
            .replaceAll("(?m)^ +client-key-data: .*$", ""));
    host().resource(memberCluster(name, name)).create();
    var ready = federation.awaitCondition(name, "Ready", "False");
    assertThat(ready.getReason()).isEqualTo("UnsafeKubeconfig");
    assertThat(ready.getMessage()).contains(".user.exec is not accepted");
    assertThat(ran).doesNotExist();
    host().resource(memberCluster(name, name)).delete();
  }

  // 2 and 3. Submit AIJobs, watch them

  @Test
  void singleGpuInferenceRunsWhereItIsCheapest(TestBed bed) throws IOException {
    AIJob job =
        federation.create(Federation.exampleJob("20-aijob-inference.yaml", ns, "inference"));
    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    // >= 20 GiB: the RTX 4090 (24 GiB) on member-b at 0.40 is the cheapest fit.
    assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo("member-b");
    assertThat(done.getStatus().getPlacement().getGpuModel()).isEqualTo(RTX4090);
    assertThat(done.getStatus().getPlacement().getNodes())
        .hasSize(1)
        .allMatch(n -> n.startsWith("gpu-rtx4090-"));
    assertThat(done.getStatus().getStartTime()).isNotNull();
    assertThat(done.getStatus().getEndTime()).isNotNull();
    assertThat(done.getStatus().getGpuSeconds()).isPositive();
    assertThat(new java.math.BigDecimal(done.getStatus().getCost())).isPositive();
    assertThat(done.getStatus().getObservedGeneration())
        .isEqualTo(done.getMetadata().getGeneration());
    assertThat(federation.eventReasons(done)).contains("Placed", "Dispatched", "Succeeded");
    // The member's scheduler extender gets the memory floor, which no pod resource can carry.
    Job memberJob = memberJob(bed, "member-b", job);
    assertThat(memberJob.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("aifabric.io/min-gpu-memory-mib", "20480");
  }

  @Test
  void aJobStopsWhenItsBudgetIsSpent(TestBed bed) throws IOException {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "budget-10s");
    // member-b's RTX 4090 at 0.40 per GPU-hour: this budget pays for 10 GPU-seconds, and the
    // simulated work would take two minutes.
    job.getSpec().getPayment().setBudget("0.00111112");
    job.getSpec().getEnv().add(simulatedRuntime("120s"));
    AIJob failed =
        federation.awaitPhase(federation.create(job), JobPhase.Failed, Duration.ofSeconds(90));
    assertThat(failed.getStatus().getPlacement().getCluster()).isEqualTo("member-b");
    Job memberJob = memberJob(bed, "member-b", failed);
    assertThat(memberJob.getSpec().getActiveDeadlineSeconds()).isEqualTo(10);
    assertThat(memberJob.getStatus().getConditions())
        .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("DeadlineExceeded"));
    Duration ran =
        Duration.between(
            Instant.parse(failed.getStatus().getStartTime()),
            Instant.parse(failed.getStatus().getEndTime()));
    assertThat(ran).isLessThan(Duration.ofSeconds(120));
  }

  @Test
  void aTrainingGangIsDispatchedAsOneIndexedJobWithARendezvousService(TestBed bed)
      throws IOException {
    // The example mounts the training-data StorageVolume (examples/30): applied as written, with
    // a PersistentVolume in member-a offered to the claim the operator makes there.
    var volume =
        io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
            Files.readString(Federation.example("30-storagevolume.yaml")),
            io.aifabric.api.v1alpha1.storagevolume.StorageVolume.class);
    volume.getMetadata().setNamespace(ns);
    volume = federation.host.resource(volume).create();
    AIJob job = Federation.exampleJob("21-aijob-training-gang.yaml", ns, "gang");
    job.getSpec().getEnv().add(simulatedRuntime("8s"));
    job = federation.create(job);
    Federation.offerTo(
        bed.client("member-a"),
        volume.getMetadata().getUid(),
        Federation.trainingDataVolume("training-data-" + ns));
    AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(60));
    assertThat(running.getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    // 8 GPUs per replica: four different H100 nodes.
    assertThat(running.getStatus().getPlacement().getNodes()).hasSize(4).doesNotHaveDuplicates();
    KubernetesClient memberA = bed.client("member-a");
    String memberNs = "aifabric-" + ns;
    Job memberJob =
        memberA
            .batch()
            .v1()
            .jobs()
            .inNamespace(memberNs)
            .withLabel("aifabric.io/job-uid", job.getMetadata().getUid())
            .list()
            .getItems()
            .get(0);
    assertThat(memberJob.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(memberJob.getSpec().getCompletions()).isEqualTo(4);
    assertThat(memberJob.getSpec().getParallelism()).isEqualTo(4);
    assertThat(memberJob.getMetadata().getLabels())
        .containsEntry("aifabric.io/job-name", "gang")
        .containsEntry("aifabric.io/job-namespace", ns);
    var service =
        memberA.services().inNamespace(memberNs).withName(memberJob.getMetadata().getName()).get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(memberJob.getSpec().getTemplate().getSpec().getSubdomain())
        .isEqualTo(service.getMetadata().getName());
    assertThat(Federation.condition(running, "VolumesMounted").orElseThrow().getMessage())
        .contains("training-data (claim " + memberNs + "/")
        .contains("bound to training-data-" + ns);
    assertThat(memberJob.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    // No spec.encryption: nothing is sealed, and the pods carry no sealing sidecar.
    assertThat(Federation.condition(running, "OutputsSealed")).isEmpty();
    assertThat(memberJob.getSpec().getTemplate().getSpec().getInitContainers()).isEmpty();
    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    // 4 replicas x 8 GPUs for about 8 s each.
    assertThat(done.getStatus().getGpuSeconds()).isBetween(4L * 8 * 6, 4L * 8 * 20);
  }

  @Test
  void aClusterSelectorExpressionSteersTheJob() throws IOException {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "not-us");
    job.getSpec().setPlacement(new io.aifabric.api.v1alpha1.aijob.PlacementConstraints());
    job.getSpec()
        .getPlacement()
        .setClusterSelector(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("aifabric.io/provider")
                .withOperator("NotIn")
                .withValues("example-dc-us")
                .endMatchExpression()
                .build());
    AIJob done =
        federation.awaitPhase(federation.create(job), JobPhase.Succeeded, Duration.ofSeconds(60));
    // Not member-b's RTX 4090 (cheapest): member-a's cheapest fit, its A100 (40 GiB >= 20 GiB).
    assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    assertThat(done.getStatus().getPlacement().getGpuModel()).isEqualTo(A100);
  }

  @Test
  void regionAndPriceLimitsAreKept() throws IOException {
    AIJob job = federation.create(Federation.exampleJob("22-aijob-eu-capped-price.yaml", ns, "eu"));
    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    // EU only (member-b is in us-east-1), at most 1.50: member-a's A100 at 1.10, not its H100 at
    // 2.40.
    assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    assertThat(done.getStatus().getPlacement().getGpuModel()).isEqualTo(A100);
    assertThat(done.getStatus().getPlacement().getPricePerGpuHour()).isEqualTo("1.10");
  }

  @Test
  void aJobThatFitsNowhereWaitsWithTheReasonAndIsPlacedWhenCapacityAppears(TestBed bed)
      throws IOException {
    String model = "NVIDIA-L40S";
    AIJob job = Federation.exampleJob("23-aijob-fits-nowhere.yaml", ns, "l40s");
    job.getSpec().getResources().setGpuModels(List.of(model));
    job = federation.create(job);
    AIJob pending = federation.awaitPhase(job, JobPhase.Pending, Duration.ofSeconds(30));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var placed = Federation.condition(federation.get(pending), "Placed").orElseThrow();
              assertThat(placed.getStatus()).isEqualTo("False");
              assertThat(placed.getReason()).isEqualTo("NoClusterFits");
              assertThat(placed.getMessage())
                  .contains("member-a: no GPU of an accepted model [" + model + "]")
                  .contains("member-b: no GPU of an accepted model [" + model + "]");
            });
    // A provider adds L40S nodes to member-b and prices them.
    bed.client("member-b").resource(gpuNode("gpu-l40s-00", model, 46068, 8)).create();
    host()
        .resources(MemberCluster.class)
        .withName("member-b")
        .edit(
            mc -> {
              mc.getSpec().getPricing().add(new GpuPrice(model, "0.80"));
              return mc;
            });
    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    assertThat(done.getStatus().getPlacement().getCluster()).isEqualTo("member-b");
    assertThat(done.getStatus().getPlacement().getNodes()).containsExactly("gpu-l40s-00");
  }

  @Test
  void theOperatorRejectsWhatCelCannotWithACondition() throws IOException {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "bad-selector");
    job.getSpec().setPlacement(new io.aifabric.api.v1alpha1.aijob.PlacementConstraints());
    job.getSpec()
        .getPlacement()
        .setClusterSelector(
            new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
                .addNewMatchExpression()
                .withKey("tier")
                // Valid in a node selector, not in a label selector; the CRD cannot tell.
                .withOperator("Gt")
                .withValues("2")
                .endMatchExpression()
                .build());
    AIJob created = federation.create(job);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var valid = Federation.condition(federation.get(created), "Valid").orElseThrow();
              assertThat(valid.getStatus()).isEqualTo("False");
              assertThat(valid.getReason()).isEqualTo("InvalidSpec");
              assertThat(valid.getMessage())
                  .contains(
                      "spec.placement.clusterSelector.matchExpressions[0]: operator Gt is not one"
                          + " of In, NotIn, Exists, DoesNotExist");
            });
    assertThat(federation.memberJobs(created)).isEmpty();
  }

  @Test
  void aPlacementTheOperatorDidNotWriteIsReportedNotDispatched() throws IOException {
    AIJob job = Federation.exampleJob("23-aijob-fits-nowhere.yaml", ns, "hand-placed");
    job.getSpec().getResources().setGpuModels(List.of("NVIDIA-B300"));
    AIJob pending =
        federation.awaitPhase(federation.create(job), JobPhase.Pending, Duration.ofSeconds(30));
    // Someone with write access to status places it by hand, naming a cluster and nothing else.
    host()
        .resources(AIJob.class)
        .inNamespace(ns)
        .withName(pending.getMetadata().getName())
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"placement\":{\"cluster\":\"member-a\"}}}");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Federation.condition(federation.get(pending), "Dispatched"))
                    .hasValueSatisfying(
                        dispatched -> {
                          assertThat(dispatched.getStatus()).isEqualTo("False");
                          assertThat(dispatched.getReason()).isEqualTo("PlacementIncomplete");
                          assertThat(dispatched.getMessage())
                              .isEqualTo(
                                  "status.placement has no gpuModel; remove status.placement to"
                                      + " have the job placed again");
                        }));
    assertThat(federation.memberJobs(pending)).isEmpty();
    assertThat(federation.eventReasons(pending)).contains("PlacementIncomplete");
  }

  // 4. Cancel or delete

  @Test
  void deletingAnAIJobRemovesItsWorkInTheMemberAndNothingElse() throws IOException {
    AIJob keep = Federation.exampleJob("20-aijob-inference.yaml", ns, "keep");
    AIJob drop = Federation.exampleJob("20-aijob-inference.yaml", ns, "drop");
    for (AIJob j : List.of(keep, drop)) {
      j.getSpec().getEnv().add(simulatedRuntime("120s"));
    }
    keep = federation.create(keep);
    drop = federation.create(drop);
    federation.awaitPhase(keep, JobPhase.Running, Duration.ofSeconds(60));
    federation.awaitPhase(drop, JobPhase.Running, Duration.ofSeconds(60));
    assertThat(federation.memberJobs(drop)).hasSize(1);
    AIJob dropped = drop;
    host().resource(drop).delete();
    await().atMost(Duration.ofSeconds(30)).until(() -> federation.get(dropped) == null);
    await().atMost(Duration.ofSeconds(30)).until(() -> federation.memberJobs(dropped).isEmpty());
    assertThat(federation.memberJobs(keep)).hasSize(1);
    assertThat(federation.get(keep).getStatus().getPhase()).isEqualTo(JobPhase.Running);
  }

  @Test
  void metricsCountPlacementsAndDispatchLatency() throws IOException {
    String before = federation.operator.metrics();
    AIJob job = federation.create(Federation.exampleJob("20-aijob-inference.yaml", ns, "metered"));
    federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    // Other tests' jobs run alongside: this one's counts at least once in each.
    String after = federation.operator.metrics();
    assertThat(increase(before, after, "aifabric_placements_total{result=\"placed\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(increase(before, after, "aifabric_dispatch_latency_seconds_count"))
        .isGreaterThanOrEqualTo(1);
    assertThat(increase(before, after, "aifabric_jobs_finished_total{phase=\"Succeeded\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  static EnvVar simulatedRuntime(String value) {
    var env = new EnvVar();
    env.setName("SIMULATED_RUNTIME");
    env.setValue(value);
    return env;
  }

  /**
   * A simulated H100×8 node that carries a node agent's registration (added to its annotations:
   * KWOK's own one keeps it a Ready node).
   */
  /** The AIJob's Job in the member it was dispatched to. */
  private Job memberJob(TestBed bed, String cluster, AIJob job) {
    return bed.client(cluster)
        .batch()
        .v1()
        .jobs()
        .inNamespace("aifabric-" + ns)
        .withLabel("aifabric.io/job-uid", job.getMetadata().getUid())
        .list()
        .getItems()
        .get(0);
  }

  /** How much a counter grew between two scrapes. */
  static double increase(String before, String after, String series) {
    return PrometheusText.sample(after, series) - PrometheusText.sample(before, series);
  }

  private static String brokerCertificateOn(KubernetesClient member, String node) {
    var annotations = member.nodes().withName(node).get().getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get("aifabric.io/broker-certificate");
  }

  static void createRegisteredNode(KubernetesClient member, String name, String registration) {
    var node = gpuNode(name, H100, 81559, 8);
    node.getMetadata().getAnnotations().put(RegistrationCodec.ANNOTATION, registration);
    member.resource(node).create();
  }

  static io.fabric8.kubernetes.api.model.Node gpuNode(
      String name, String product, int memoryMiB, int gpus) {
    return KwokGpuNode.builder(name, product, gpus, memoryMiB, "64", "512Gi").build();
  }

  static MemberCluster memberCluster(String name, String secret) {
    MemberCluster mc = new MemberCluster();
    mc.setMetadata(new ObjectMetaBuilder().withName(name).build());
    MemberClusterSpec spec = new MemberClusterSpec();
    spec.setKubeconfigSecretRef(
        new SecretKeyRef(secret, Federation.SECRETS_NAMESPACE, "kubeconfig"));
    spec.setRegion("eu-west-1");
    spec.setProviderWallet("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    spec.setPricing(List.of(new GpuPrice(H100, "9.00")));
    mc.setSpec(spec);
    return mc;
  }

  /** A kubeconfig for a server nobody runs, with the given user fields and cluster fields. */
  static String unsafeKubeconfig(String user, String cluster) {
    return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: gone
          cluster: {server: "https://127.0.0.1:9"%s}
        users:
        - name: u
          user: {%s}
        contexts:
        - name: gone
          context: {cluster: gone, user: u}
        current-context: gone
        """
        .formatted(cluster, user);
  }
}
