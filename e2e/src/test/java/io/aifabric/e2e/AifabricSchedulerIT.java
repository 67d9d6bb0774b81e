package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.testbed.ExtenderProcess;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.SchedulerProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.TestPki;
import io.aifabric.testing.TestPki.ClientTls;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The aifabric scheduler on a member cluster: the real kube-scheduler with the chart's
 * KubeSchedulerConfiguration, calling the packaged extender, placing and binding GPU pods on KWOK
 * GPU nodes. Each test has its own pool of nodes (tainted, so that nothing else lands there, and
 * selected by its pods), so the member's other GPU nodes play no part.
 */
@ExtendWith(TestBedExtension.class)
@org.junit.jupiter.api.Order(6)
class AifabricSchedulerIT {
  private static final String MEMBER = "member-a";
  private static final String SCHEDULER = "aifabric-scheduler";
  private static final String POOL = "aifabric.test/pool";
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final ObjectMapper JSON = new ObjectMapper();

  private static TestBed bed;
  private static KubernetesClient member;
  private static ExtenderProcess extender;
  private static SchedulerProcess scheduler;
  private static String ns;
  private static final List<String> nodes = new ArrayList<>();

  @BeforeAll
  static void start(TestBed testBed) {
    bed = testBed;
    member = bed.client(MEMBER);
    // With the chart's ServiceAccount and its RBAC only, as the extender's pod runs (this also
    // creates the chart's namespace, where the scheduler's Lease lives).
    extender =
        ExtenderProcess.start(
            new MemberChart(bed, MEMBER).extenderKubeconfig(),
            bed.dir().resolve(MEMBER),
            Map.of(
                "AIFABRIC_EXTENDER_RESERVATION_TIMEOUT", "5s",
                "AIFABRIC_EXTENDER_RESERVATION_SWEEP", "1s",
                "AIFABRIC_EXTENDER_MIN_AVAILABILITY_SCORE", "100"));
    String config =
        new MemberChart(bed, MEMBER).schedulerConfig("extender.urlPrefix=" + extender.urlPrefix());
    scheduler = SchedulerProcess.start(bed, MEMBER, config, SCHEDULER, extender.schedulerTls());
    ns = bed.createNamespace(MEMBER, "aifabric-sched");
  }

  @AfterAll
  static void stop() {
    if (scheduler != null) {
      scheduler.close();
    }
    if (extender != null) {
      extender.close();
    }
    if (member != null) {
      nodes.forEach(n -> member.nodes().withName(n).delete());
    }
  }

  @Test
  void gpuPodsGoOnlyToVerifiedAvailableNodesPackedAndWaitWhenNoneFits() {
    String pool = pool();
    node(pool, "good-0", 4, Map.of());
    node(pool, "good-1", 4, Map.of());
    node(pool, "unverified", 8, Map.of("aifabric.io/verified", "false"));
    node(pool, "silent", 8, Map.of("aifabric.io/available", "false"));
    node(pool, "low-score", 8, Map.of("aifabric.io/availability-score", "60"));
    List<String> pods = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      pods.add(create(gpuPod(pool, "train-" + i, 1, SCHEDULER)));
    }
    Map<String, String> placed = awaitBound(pods, 8);
    // Every GPU pod on a verified, available node, and packed: four on each, not spread.
    assertThat(placed.values()).allSatisfy(n -> assertThat(n).matches(pool + "-good-[01]"));
    assertThat(countBy(placed.values()))
        .containsOnly(Map.entry(pool + "-good-0", 4L), Map.entry(pool + "-good-1", 4L));

    // A ninth waits, with the extender's reasons for every other node in its event.
    String waiting = create(gpuPod(pool, "train-8", 1, SCHEDULER));
    Event failed = awaitFailedScheduling(waiting, "GPUs not verified");
    assertThat(failed.getMessage())
        .contains("GPUs not verified by the network")
        .contains("node agent's heartbeats are not fresh")
        .contains("availability score 60 is below 100")
        .contains("Insufficient nvidia.com/gpu");
    assertThat(member.pods().inNamespace(ns).withName(waiting).get().getSpec().getNodeName())
        .isNull();

    // A GPU freed is taken by the pod that waited.
    member.pods().inNamespace(ns).withName(pods.get(0)).withGracePeriod(0).delete();
    String freed = placed.get(pods.get(0));
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                assertThat(
                        member
                            .pods()
                            .inNamespace(ns)
                            .withName(waiting)
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo(freed));
  }

  @Test
  void sixteenBindsForEightFreeGpusBindExactlyEight() throws Exception {
    String pool = pool();
    String node = node(pool, "eight", 8, Map.of());
    // Sixteen pods that no running scheduler serves, bound by sixteen concurrent extender calls:
    // nothing but the extender's reservations stands between them and the eight GPUs.
    List<Pod> pods = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String name = create(gpuPod(pool, "race-" + i, 1, "nobody"));
      pods.add(member.pods().inNamespace(ns).withName(name).get());
    }
    ExecutorService threads = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
    for (Pod pod : pods) {
      String body =
          JSON.writeValueAsString(
              Map.of(
                  "PodName",
                  pod.getMetadata().getName(),
                  "PodNamespace",
                  ns,
                  "PodUID",
                  pod.getMetadata().getUid(),
                  "Node",
                  node));
      answers.add(
          threads.submit(
              () -> {
                go.await();
                return extender.send("POST", "/scheduler/bind", body);
              }));
    }
    go.countDown();
    List<String> errors = new ArrayList<>();
    int ok = 0;
    for (Future<HttpResponse<String>> answer : answers) {
      HttpResponse<String> response = answer.get(60, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode error = JSON.readTree(response.body()).get("Error");
      if (error == null || error.isNull()) {
        ok++;
      } else {
        errors.add(error.asText());
      }
    }
    threads.shutdown();
    assertThat(ok).isEqualTo(8);
    assertThat(errors)
        .hasSize(8)
        .allSatisfy(e -> assertThat(e).contains("0 of 8 GPUs free on node " + node));
    List<Pod> bound =
        member.pods().inNamespace(ns).withLabel(POOL, pool).list().getItems().stream()
            .filter(p -> node.equals(p.getSpec().getNodeName()))
            .toList();
    assertThat(bound).hasSize(8);

    // The same race through two active schedulers, each trusting its own cache: still eight.
    String pool2 = pool();
    String node2 = node(pool2, "eight", 8, Map.of());
    String second =
        new MemberChart(bed, MEMBER)
            .schedulerConfig(
                "extender.urlPrefix=" + extender.urlPrefix(), "scheduler.leaderElect=false");
    try (SchedulerProcess rival =
        SchedulerProcess.start(bed, MEMBER, second, SCHEDULER + "-2", extender.schedulerTls())) {
      List<String> racing = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        racing.add(create(gpuPod(pool2, "race2-" + i, 1, SCHEDULER)));
      }
      awaitBound(racing, 8);
      // Both schedulers keep retrying the other eight; none may get a GPU.
      await()
          .during(Duration.ofSeconds(10))
          .atMost(Duration.ofSeconds(15))
          .until(() -> boundTo(racing).size() == 8);
      Map<String, String> racers = boundTo(racing);
      assertThat(racers).hasSize(8);
      assertThat(racers.values()).containsOnly(node2);
    }
    // Nothing stays reserved once the informer has seen the pods bound.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> assertThat(extender.metrics()).contains("aifabric_extender_reservations 0.0"));
  }

  @Test
  void withTheExtenderStoppedGpuPodsWaitAndOtherPodsAreUnaffected() throws Exception {
    String pool = pool();
    node(pool, "gpu", 2, Map.of());
    extender.stop();
    try {
      String gpu = create(gpuPod(pool, "waits", 1, SCHEDULER));
      // Once the node is ready (a first attempt may find it still tainted not-ready), the
      // attempts fail on the extender, by its URL.
      Event failed = awaitFailedScheduling(gpu, extender.urlPrefix());
      assertThat(failed.getMessage()).contains("connection refused");
      // The extender manages nvidia.com/gpu only: a pod without GPUs is scheduled without it.
      String cpu = create(cpuPod(pool, "no-gpu", SCHEDULER));
      awaitBound(List.of(cpu), 1);
      assertThat(member.pods().inNamespace(ns).withName(gpu).get().getSpec().getNodeName())
          .isNull();
    } finally {
      extender.restart();
    }
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(boundTo(List.of("waits"))).containsKey("waits"));
  }

  @Test
  void badRequestsGetCleanErrorsNeverAStackTrace() throws Exception {
    String before = extender.metrics();
    HttpResponse<String> malformed = extender.send("POST", "/scheduler/filter", "{\"Pod\": [");
    assertThat(malformed.statusCode()).isEqualTo(400);
    assertThat(error(malformed)).startsWith("malformed ExtenderArgs JSON");
    HttpResponse<String> unknown = extender.send("POST", "/scheduler/preempt", "{}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(error(unknown)).contains("unknown extender verb 'preempt'");
    HttpResponse<String> get = extender.send("GET", "/scheduler/filter", null);
    assertThat(get.statusCode()).isEqualTo(405);
    HttpResponse<String> empty = extender.send("POST", "/scheduler/bind", "");
    assertThat(empty.statusCode()).isEqualTo(400);

    String noGpu =
        JSON.writeValueAsString(
            Map.of("Pod", cpuPod("any", "web", SCHEDULER), "NodeNames", List.of("cpu-0")));
    HttpResponse<String> filter = extender.send("POST", "/scheduler/filter", noGpu);
    assertThat(filter.statusCode()).isEqualTo(200);
    assertThat(error(filter)).contains("requests no nvidia.com/gpu");
    HttpResponse<String> prioritize = extender.send("POST", "/scheduler/prioritize", noGpu);
    assertThat(prioritize.statusCode()).isEqualTo(400);
    assertThat(error(prioritize)).contains("requests no nvidia.com/gpu");

    HttpResponse<String> vanished =
        extender.send(
            "POST",
            "/scheduler/bind",
            JSON.writeValueAsString(
                Map.of(
                    "PodName",
                    "gone",
                    "PodNamespace",
                    ns,
                    "PodUID",
                    UUID.randomUUID().toString(),
                    "Node",
                    "cpu-0")));
    assertThat(vanished.statusCode()).isEqualTo(200);
    assertThat(error(vanished)).contains("no longer exists");
    HttpResponse<String> incomplete =
        extender.send("POST", "/scheduler/bind", "{\"PodName\":\"x\"}");
    assertThat(error(incomplete)).isEqualTo("bind needs PodName, PodNamespace and PodUID");

    for (HttpResponse<String> r :
        List.of(malformed, unknown, get, empty, filter, prioritize, vanished)) {
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }
    assertThat(extender.management("/q/health/ready")).contains("UP");
    String after = extender.metrics();
    assertThat(
            FederationE2E.increase(
                before,
                after,
                "aifabric_extender_requests_seconds_count{outcome=\"bad-request\",verb=\"filter\"}"))
        .isGreaterThanOrEqualTo(1);
    assertThat(
            FederationE2E.increase(
                before, after, "aifabric_extender_binds_total{outcome=\"failed\"}"))
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void aBindRequestNotFromTheSchedulerCannotPutAPodWhereFilterWouldNot() throws Exception {
    // Anyone who reaches the extender can call bind, with its cluster-wide pods/binding right:
    // a pod no scheduler handles, bound by hand to nodes filter refuses.
    String pool = pool();
    String unverified = node(pool, "unverified", 8, Map.of("aifabric.io/verified", "false"));
    String silent = node(pool, "silent", 8, Map.of("aifabric.io/available", "false"));
    String lowScore = node(pool, "low-score", 8, Map.of("aifabric.io/availability-score", "20"));
    String good = node(pool, "good", 8, Map.of());
    String anyGpu = create(gpuPod(pool, "hand-bound", 1, "nobody-schedules-this"));
    Pod b200 = gpuPod(pool, "hand-bound-b200", 1, "nobody-schedules-this");
    b200.getSpec().getNodeSelector().put("nvidia.com/gpu.product", "NVIDIA-B200");
    String onlyB200 = create(b200);
    record Attempt(String pod, String node, String refusal) {}
    List<Attempt> attempts =
        List.of(
            new Attempt(anyGpu, unverified, "not verified by the network"),
            new Attempt(anyGpu, silent, "heartbeats are not fresh"),
            new Attempt(anyGpu, lowScore, "availability score 20 is below 100"),
            new Attempt(onlyB200, good, "GPU model " + H100 + " is not one the pod accepts"));
    for (Attempt attempt : attempts) {
      String uid =
          member.pods().inNamespace(ns).withName(attempt.pod()).get().getMetadata().getUid();
      String body =
          JSON.writeValueAsString(
              Map.of(
                  "PodName",
                  attempt.pod(),
                  "PodNamespace",
                  ns,
                  "PodUID",
                  uid,
                  "Node",
                  attempt.node()));
      // Until the extender's cache has the node it answers that it does not know it.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(error(extender.send("POST", "/scheduler/bind", body)))
                      .contains("cannot bind " + ns + "/" + attempt.pod() + " to " + attempt.node())
                      .contains(attempt.refusal()));
    }
    assertThat(boundTo(List.of(anyGpu, onlyB200))).isEmpty();
    // The same pod still binds where filter would send it.
    String uid = member.pods().inNamespace(ns).withName(anyGpu).get().getMetadata().getUid();
    String toGood =
        JSON.writeValueAsString(
            Map.of("PodName", anyGpu, "PodNamespace", ns, "PodUID", uid, "Node", good));
    assertThat(error(extender.send("POST", "/scheduler/bind", toGood))).isEmpty();
    assertThat(awaitBound(List.of(anyGpu), 1)).containsEntry(anyGpu, good);
  }

  @Test
  void aBodyLargerThanKubeSchedulerEverSendsIsRefusedUnread() throws Exception {
    String huge = "{\"NodeNames\":[\"" + "n".repeat(5 << 20) + "\"]}";
    // Over HTTP/2 (what the scheduler negotiates) the extender ends the connection (GOAWAY)
    // instead of reading on; over HTTP/1.1 it would answer 413.
    assertThatThrownBy(() -> extender.send("POST", "/scheduler/filter", huge))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("GOAWAY received");
    assertThat(extender.management("/q/health/ready")).contains("UP");
    String small = JSON.writeValueAsString(Map.of("NodeNames", List.of("n")));
    assertThat(extender.send("POST", "/scheduler/filter", small).statusCode()).isEqualTo(200);
  }

  @Test
  void onlyTheSchedulersCertificateCanCallTheExtender() throws Exception {
    // A pod that reaches the extender tries to have a pod bound where it likes, as a caller
    // without a certificate, with one of its own CA (named as the scheduler), with one of the
    // extender's CA under another name, and in plain HTTP.
    String pool = pool();
    String good = node(pool, "good", 8, Map.of());
    String pod = create(gpuPod(pool, "hijacked", 1, "nobody-schedules-this"));
    String uid = member.pods().inNamespace(ns).withName(pod).get().getMetadata().getUid();
    String bind =
        JSON.writeValueAsString(
            Map.of("PodName", pod, "PodNamespace", ns, "PodUID", uid, "Node", good));
    TestPki rogue = TestPki.create(bed.dir().resolve(MEMBER).resolve("rogue-pki-" + pool));
    String before = extender.metrics();

    assertThat(extender.handshakeRefusal(extender.authority().trustOnly()))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("bad_certificate");
    ClientTls rogueScheduler = rogue.client(ExtenderProcess.SCHEDULER);
    SSLContext rogueButTrustingTheExtender =
        new ClientTls(
                rogueScheduler.certificate(),
                rogueScheduler.key(),
                extender.authority().caCertificate())
            .sslContext();
    assertThat(extender.handshakeRefusal(rogueButTrustingTheExtender))
        .isInstanceOf(SSLHandshakeException.class)
        .hasMessageContaining("certificate_unknown");
    // The probe tells a refusal from an accepted certificate: the scheduler's own is taken.
    assertThat(
            extender.handshakeRefusal(
                extender.authority().client(ExtenderProcess.SCHEDULER).sslContext()))
        .isNull();
    HttpResponse<String> otherName =
        extender.sendWith(
            extender.authority().client("a-pod").sslContext(), "POST", "/scheduler/bind", bind);
    assertThat(otherName.statusCode()).isEqualTo(403);
    assertThat(error(otherName))
        .isEqualTo(
            "the client certificate names a-pod; the extender takes calls only from "
                + ExtenderProcess.SCHEDULER);
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThatThrownBy(
            () ->
                plain.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + extender.port() + "/scheduler/bind"))
                        .POST(HttpRequest.BodyPublishers.ofString(bind))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);

    // None of them bound it, and only the named refusal reached the extender's code.
    assertThat(boundTo(List.of(pod))).isEmpty();
    String after = extender.metrics();
    assertThat(FederationE2E.increase(before, after, "aifabric_extender_refused_callers_total"))
        .isEqualTo(1);
    assertThat(
            FederationE2E.increase(
                before,
                after,
                "aifabric_extender_requests_seconds_count{outcome=\"ok\",verb=\"bind\"}"))
        .isZero();
    // The scheduler's own certificate binds it.
    assertThat(error(extender.send("POST", "/scheduler/bind", bind))).isEmpty();
    assertThat(awaitBound(List.of(pod), 1)).containsEntry(pod, good);
  }

  private static String error(HttpResponse<String> response) throws Exception {
    return JSON.readTree(response.body()).path("Error").asText();
  }

  private static String pool() {
    return "p" + UUID.randomUUID().toString().substring(0, 6);
  }

  /** A verified, available GPU node of the pool (the labels the operator writes), tainted. */
  private static String node(String pool, String suffix, int gpus, Map<String, String> verdict) {
    String name = pool + "-" + suffix;
    Taint taint = new TaintBuilder().withKey(POOL).withValue(pool).withEffect("NoSchedule").build();
    Node node =
        KwokGpuNode.builder(name, H100, gpus, 81559)
            .editMetadata()
            .addToLabels(POOL, pool)
            .addToLabels("aifabric.io/verified", "true")
            .addToLabels("aifabric.io/available", "true")
            .addToLabels("aifabric.io/availability-score", "200")
            .addToLabels("aifabric.io/tier", "1")
            .addToLabels(verdict)
            .endMetadata()
            .withNewSpec()
            .withTaints(taint)
            .endSpec()
            .build();
    member.nodes().resource(node).create();
    nodes.add(name);
    return name;
  }

  private static Pod gpuPod(String pool, String name, int gpus, String schedulerName) {
    Pod pod = cpuPod(pool, name, schedulerName);
    pod.getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .setLimits(Map.of("nvidia.com/gpu", new Quantity(String.valueOf(gpus))));
    return pod;
  }

  private static Pod cpuPod(String pool, String name, String schedulerName) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(ns)
        .addToLabels(POOL, pool)
        .endMetadata()
        .withNewSpec()
        .withSchedulerName(schedulerName)
        .addToNodeSelector(POOL, pool)
        .addNewToleration()
        .withKey(POOL)
        .withOperator("Equal")
        .withValue(pool)
        .withEffect("NoSchedule")
        .endToleration()
        .addNewContainer()
        .withName("main")
        .withImage("registry.invalid/train:1")
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  private static String create(Pod pod) {
    return member.pods().inNamespace(ns).resource(pod).create().getMetadata().getName();
  }

  private static Map<String, String> boundTo(List<String> pods) {
    return member.pods().inNamespace(ns).list().getItems().stream()
        .filter(p -> pods.contains(p.getMetadata().getName()))
        .filter(p -> p.getSpec().getNodeName() != null)
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getSpec().getNodeName()));
  }

  private static Map<String, String> awaitBound(List<String> pods, int count) {
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(() -> assertThat(boundTo(pods)).hasSize(count));
    return boundTo(pods);
  }

  private static Map<String, Long> countBy(java.util.Collection<String> values) {
    return values.stream()
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  private static Event awaitFailedScheduling(String pod, String saying) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                member.v1().events().inNamespace(ns).list().getItems().stream()
                    .filter(e -> pod.equals(e.getInvolvedObject().getName()))
                    .filter(e -> "FailedScheduling".equals(e.getReason()))
                    .filter(e -> e.getMessage().contains(saying))
                    .findFirst()
                    .orElse(null),
            java.util.Objects::nonNull);
  }
}
