package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.Funding;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.EpochShare;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.escrow.contracts.JobEscrow;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.ConsoleProcess;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The network explorer against a real API server, run with the control-plane chart's console
 * ServiceAccount (get, list and watch of the aifabric kinds, nothing else): its pages show the
 * objects this test writes — with the numbers their status holds — text a node or an oracle wrote
 * renders as text, a change reaches an open page as a server-sent event, and nothing but GET is
 * served.
 */
@ExtendWith(TestBedExtension.class)
@Order(9)
class ConsoleIT {
  private static final String NS = "console-it";
  private static final String RELEASE = "explorer";
  private static final String H100 = "NVIDIA-H100-80GB-HBM3";
  private static final String SCRIPT = "<script>alert('pwned')</script>";
  private static final Pattern GPU_HOURS = Pattern.compile("id=\"gpu-hours\">([0-9.]+)<");

  private static KubernetesClient host;
  private static ConsoleProcess console;
  private static String member;
  private static AnvilChain chain;
  private static JobEscrow escrow;

  @BeforeAll
  static void start(TestBed bed) throws Exception {
    host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    host.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .serverSideApply();
    ControlPlaneChart chart = new ControlPlaneChart(bed, NS).overTheInstalledApi();
    chart.install(RELEASE);
    Path kubeconfig = chart.consoleKubeconfig(RELEASE);
    // A chain with the escrow on it, which the console reads for itself.
    chain = AnvilChain.start(bed.dir().resolve("console-anvil/anvil.log"));
    escrow = escrowToRead(chain);
    console =
        ConsoleProcess.start(
            kubeconfig,
            bed.dir().resolve("console-" + System.nanoTime()),
            "-Xmx160m",
            Map.of(
                "AIFABRIC_CONSOLE_CHAIN_RPC_URL", chain.url(),
                "AIFABRIC_CONSOLE_CHAIN_ESCROW", escrow.getContractAddress(),
                "AIFABRIC_CONSOLE_CHAIN_REFRESH", "1s"));
    member = "console-" + UUID.randomUUID().toString().substring(0, 8);
    MemberCluster m = FederationE2E.memberCluster(member, member + "-kubeconfig");
    host.resource(m).create();
  }

  /** A JobEscrow on the chain with three fresh oracles, for the console to read. */
  static JobEscrow escrowToRead(AnvilChain chain) throws Exception {
    return SettlementNetwork.deployEscrow(
        chain,
        chain.fundedAccount(10),
        List.of(
            chain.fundedAccount(1).getAddress(),
            chain.fundedAccount(1).getAddress(),
            chain.fundedAccount(1).getAddress()));
  }

  @AfterAll
  static void stop() {
    if (console != null) {
      console.close();
    }
    if (chain != null) {
      chain.close();
    }
    // Nothing of this test is left for the federations of the E2E tests to find.
    host.resources(ComputeNode.class).list().getItems().stream()
        .filter(n -> member.equals(n.getSpec().getCluster()))
        .forEach(n -> host.resource(n).delete());
    host.resources(MemberCluster.class).withName(member).delete();
    host.namespaces().withName(NS).delete();
  }

  /**
   * The network page shows what the escrow on the chain itself holds, not what any status says: a
   * deposit a payer makes appears there (and the console, holding no key, sent nothing).
   */
  @Test
  void theNetworkPageShowsWhatTheEscrowOnTheChainHolds() throws Exception {
    BigInteger before = chain.balance(escrow.getContractAddress());
    BigInteger deposit = new BigInteger("2500000000000000000"); // 2.5 ETH
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    long deadline = Instant.now().getEpochSecond() + 86_400;
    JobEscrow.load(
            escrow.getContractAddress(),
            chain.web3j,
            chain.devAccount(SettlementNetwork.PAYER),
            AnvilChain.gas())
        .deposit(key, chain.fundedAccount(1).getAddress(), BigInteger.valueOf(deadline), deposit)
        .send();
    String held =
        new BigDecimal(before.add(deposit))
            .divide(BigDecimal.TEN.pow(18))
            .stripTrailingZeros()
            .toPlainString();
    long block = chain.web3j.ethBlockNumber().send().getBlockNumber().longValueExact();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(console.page("/"))
                    .contains("<td class=\"num\" id=\"chain-id\">" + AnvilChain.CHAIN_ID + "</td>")
                    .contains("<td class=\"num\" id=\"chain-held\">" + held + "</td>")
                    .contains("<td class=\"num\" id=\"chain-balance\">" + held + "</td>")
                    .contains("<td class=\"num\" id=\"chain-settlements\">0</td>")
                    .doesNotContain("chain-error"));
    Matcher shown = Pattern.compile("id=\"chain-block\">(\\d+)<").matcher(console.page("/"));
    assertThat(shown.find()).isTrue();
    assertThat(Long.parseLong(shown.group(1))).isGreaterThanOrEqualTo(block);
  }

  /**
   * A job's page shows the deposit that funds it as the escrow on the chain holds it — payer,
   * provider, amount, open or closed — beside what the job's status recorded, read by the console
   * itself with {@code depositOf}.
   */
  @Test
  void aFundedJobsPageShowsItsDepositAsTheEscrowOnTheChainHoldsIt() throws Exception {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    String provider = chain.fundedAccount(1).getAddress();
    long deadline = Instant.now().getEpochSecond() + 86_400;
    JobEscrow payers =
        JobEscrow.load(
            escrow.getContractAddress(),
            chain.web3j,
            chain.devAccount(SettlementNetwork.PAYER),
            AnvilChain.gas());
    payers
        .deposit(
            key,
            provider,
            BigInteger.valueOf(deadline),
            new BigInteger("1500000000000000000")) // 1.5 ETH
        .send();
    long escrowJobId =
        payers.jobIdOf(SettlementNetwork.PAYER, key).send().component2().longValueExact();
    String name = fundedJob(escrowJobId, provider, "1.2");

    String page = awaitPage("/jobs/" + NS + "/" + name, "deposit-closed");

    assertThat(page)
        .contains(
            "id=\"deposit-payer\">" + SettlementNetwork.PAYER.toLowerCase(Locale.ROOT) + "</td>")
        .contains("id=\"deposit-provider\">" + provider.toLowerCase(Locale.ROOT) + "</td>")
        .contains("id=\"deposit-amount\">1.5</td>")
        .contains("id=\"deposit-deadline\">" + Instant.ofEpochSecond(deadline) + "</td>")
        .contains("id=\"deposit-closed\">no</td>")
        .doesNotContain("differs")
        .doesNotContain("less than required")
        .doesNotContain("deposit-error");
  }

  @Test
  void aNodesPageShowsItsClaimAndMeasurementAndWhatItReportedAsText() throws Exception {
    ComputeNode node = computeNode("gpu-0", 8);
    node.getStatus()
        .getConditions()
        .add(condition("Verified", false, "HardwareMismatch", "the report says " + SCRIPT));
    write(node);

    String page = awaitPage("/nodes/" + member + ".gpu-0", "HardwareMismatch");

    assertThat(page)
        .contains("<dd id=\"gpus\">8 × " + H100 + "</dd>")
        .contains("<dd id=\"claimed-vram\">81559 MiB</dd>")
        .contains("<dd class=\"hash\" id=\"address\">" + address("gpu-0") + "</dd>")
        .contains("the report says &lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;")
        .doesNotContain(SCRIPT);
    // The member's page lists it.
    assertThat(console.page("/members/" + member))
        .contains("<a href=\"/nodes/" + member + ".gpu-0\">gpu-0</a>");
  }

  @Test
  void aSettledJobCountsInTheNetworkFiguresAndItsPageTellsItsSettlement() throws Exception {
    BigDecimal before = gpuHours(console.page("/"));
    String name = settledJob(7200L, "4.8");

    String page = awaitPage("/jobs/" + NS + "/" + name, "4242");
    assertThat(page)
        .contains("<dd id=\"gpu-seconds\">7200</dd>")
        .contains("<dd id=\"cost\">4.8</dd>")
        .contains("<dd class=\"hash\" id=\"tx\">0x" + "ab".repeat(32) + "</dd>")
        .contains("<a href=\"/nodes/" + member + ".gpu-0\">gpu-0</a>");
    assertThat(gpuHours(console.page("/"))).isEqualByComparingTo(before.add(new BigDecimal("2")));
    // Search finds it by its transaction.
    assertThat(console.page("/search?q=0x" + "ab".repeat(32)))
        .contains("<a href=\"/jobs/" + NS + "/" + name + "\">" + NS + "/" + name + "</a>");
  }

  @Test
  void aJobsTimelineShowsItsEventsAsTextAndNoOtherKindsEvents() throws Exception {
    String name = settledJob(3600L, "2.4");
    AIJob job = host.resources(AIJob.class).inNamespace(NS).withName(name).get();
    // First an Event about something else with the job's name: not the job's, never watched
    // (a watch delivers in order, so had it been watched it would show by the time the next does).
    event("Pod", job.getMetadata(), "PodLeaked", "not about the job");
    event(job.getKind(), job.getMetadata(), "DispatchRetried", "member said " + SCRIPT);

    String page = awaitPage("/jobs/" + NS + "/" + name, "DispatchRetried");

    assertThat(page).contains("member said &lt;script&gt;").doesNotContain(SCRIPT);
    assertThat(page).doesNotContain("PodLeaked");
  }

  private static void event(
      String kind,
      io.fabric8.kubernetes.api.model.ObjectMeta about,
      String reason,
      String message) {
    host.v1()
        .events()
        .inNamespace(about.getNamespace())
        .resource(
            new io.fabric8.kubernetes.api.model.EventBuilder()
                .withNewMetadata()
                .withGenerateName(about.getName() + "-")
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("aifabric.io/v1alpha1")
                .withKind(kind)
                .withNamespace(about.getNamespace())
                .withName(about.getName())
                .withUid(about.getUid())
                .endInvolvedObject()
                .withType("Warning")
                .withReason(reason)
                .withMessage(message)
                .withCount(1)
                .withLastTimestamp(java.time.Instant.now().toString())
                .withNewSource("aifabric-operator", null)
                .build())
        .create();
  }

  @Test
  void anOraclesRefusalRendersAsTextOnItsBatchPage() throws Exception {
    String name = "settlement-" + UUID.randomUUID().toString().substring(0, 6);
    SettlementBatch batch = new SettlementBatch();
    batch.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName(name).build());
    SettlementBatchSpec spec = new SettlementBatchSpec();
    spec.setChainId(31337L);
    spec.setEscrow("0x5FbDB2315678afecb367f032d93F642f64180aa3");
    spec.setNonce(7L);
    spec.setDeadline(Instant.now().plusSeconds(3600).getEpochSecond());
    SettlementBatchSpec.BatchEntry entry = new SettlementBatchSpec.BatchEntry();
    entry.setJobNamespace(NS);
    entry.setJobName("some-job");
    entry.setJobUid(UUID.randomUUID().toString());
    entry.setEscrowJobId(1L);
    entry.setProviderId(1L);
    entry.setUsedGwei(1000L);
    spec.setEntries(new ArrayList<>(List.of(entry)));
    batch.setSpec(spec);
    batch = host.resource(batch).create();
    SettlementBatchStatus status = new SettlementBatchStatus();
    Attestation refused = new Attestation();
    refused.setRefusals(new ArrayList<>(List.of("node says <img src=x onerror=alert(1)>")));
    refused.setRefusedJobs(new ArrayList<>(List.of(NS + "/some-job")));
    Map<String, Attestation> attestations = new LinkedHashMap<>();
    attestations.put("0x70997970C51812dc3A010C7d01b50e0d17dc79C8", refused);
    status.setAttestations(attestations);
    batch.setStatus(status);
    host.resource(batch).updateStatus();

    String page = awaitPage("/batches/" + NS + "/" + name, "refused");
    assertThat(page)
        .contains("node says &lt;img src=x onerror=alert(1)&gt;")
        .doesNotContain("<img");
  }

  @Test
  void anOpenPageHearsOfAChangeWithoutReloading() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<java.io.InputStream> live =
        http.send(
            HttpRequest.newBuilder(URI.create(console.url() + "/live")).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(live.headers().firstValue("Content-Type")).hasValue("text/event-stream");
    BufferedReader events =
        new BufferedReader(new InputStreamReader(live.body(), StandardCharsets.UTF_8));
    CompletableFuture<String> change =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                for (String line = events.readLine(); line != null; line = events.readLine()) {
                  if (line.equals("event: change")) {
                    return line;
                  }
                }
                return null;
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    write(computeNode("gpu-live", 4));
    assertThat(change.get(30, TimeUnit.SECONDS)).isEqualTo("event: change");
    live.body().close();
  }

  @Test
  void itServesNothingButReadsAndSaysSoInItsHeaders() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> response = console.send(method, "/");
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
    HttpResponse<String> page = console.send("GET", "/");
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(
            csp ->
                assertThat(csp)
                    .contains("default-src 'none'")
                    .contains("script-src 'self'")
                    .doesNotContain("unsafe-inline"));
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().map()).doesNotContainKey("set-cookie");
    // The scripts it loads are its own, served with the same headers.
    HttpResponse<String> script = console.send("GET", "/console.js");
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(console.send("GET", "/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode())
        .isEqualTo(200);
    // The chart's ServiceAccount was enough for everything it read.
    assertThat(java.nio.file.Files.readString(console.log())).doesNotContain("Forbidden");
  }

  /**
   * Headless Chromium over every page: the numbers of the objects this test wrote, node-written
   * text as text (and no script of it ran), a live update without a reload, only GETs sent, no
   * console error (a CSP refusal of the console's own script or style would be one). Screenshots of
   * each page go to target/console-screenshots.
   */
  @Test
  void inARealBrowserThePagesShowTheNetworkUpdateLiveAndOnlyRead() throws Exception {
    ComputeNode node = computeNode("gpu-browser", 8);
    node.getStatus()
        .getConditions()
        .add(condition("Verified", false, "HardwareMismatch", "claimed " + SCRIPT));
    List<EpochShare> epochs = new ArrayList<>();
    for (long epoch = 1; epoch <= 3; epoch++) {
      EpochShare share = new EpochShare();
      share.setEpoch(epoch);
      share.setScore(200 + 20 * epoch);
      share.setTotalScore(1000L);
      share.setAmount(String.valueOf(epoch * 100_000_000_000_000_000L));
      share.setPaid(epoch < 3);
      epochs.add(share);
    }
    node.getStatus().setRewards(epochs);
    write(node);
    String job = settledJob(3600L, "2.4");
    awaitPage("/jobs/" + NS + "/" + job, "block-marker-" + job);
    Path shots = Path.of("target", "console-screenshots");
    try (Browser browser = Browser.start(shots)) {
      var driver = browser.driver;
      browser.open(console.url() + "/");
      // The page swaps its <main> on a live update: an element found just before a swap is
      // stale when read, and is found again.
      BigDecimal before =
          await()
              .atMost(Duration.ofSeconds(10))
              .ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
              .until(
                  () ->
                      new BigDecimal(
                          driver.findElement(org.openqa.selenium.By.id("gpu-hours")).getText()),
                  java.util.Objects::nonNull);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> !driver.findElements(org.openqa.selenium.By.cssSelector(".uplot")).isEmpty());
      browser.screenshot("network");
      // A mark on this page's window: a reload would lose it.
      driver.executeScript("window.aifabricMark = 'unreloaded';");
      settledJob(7200L, "4.8");
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreException(org.openqa.selenium.StaleElementReferenceException.class)
          .until(
              () ->
                  new BigDecimal(
                      driver.findElement(org.openqa.selenium.By.id("gpu-hours")).getText()),
              now -> now.compareTo(before.add(new BigDecimal("2"))) == 0);
      assertThat(driver.executeScript("return window.aifabricMark;")).isEqualTo("unreloaded");
      browser.screenshot("network-after-live-update");

      browser.open(console.url() + "/nodes/" + member + ".gpu-browser");
      String text = driver.findElement(org.openqa.selenium.By.tagName("main")).getText();
      assertThat(text).contains("claimed " + SCRIPT).contains("8 × " + H100);
      assertThat(driver.executeScript("return window.pwned === undefined;")).isEqualTo(true);
      // The availability plot, drawn from the three epochs' scores.
      assertThat(driver.findElements(org.openqa.selenium.By.cssSelector(".uplot canvas")))
          .hasSize(1);
      assertThat(driver.findElement(org.openqa.selenium.By.id("rewards")).getText())
          .contains("3 260 1000 300000000000000000 no");
      browser.screenshot("node");

      browser.open(console.url() + "/jobs/" + NS + "/" + job);
      assertThat(driver.findElement(org.openqa.selenium.By.id("gpu-seconds")).getText())
          .isEqualTo("3600");
      assertThat(driver.findElement(org.openqa.selenium.By.id("cost")).getText()).isEqualTo("2.4");
      browser.screenshot("job");

      browser.open(console.url() + "/members/" + member);
      assertThat(driver.findElement(org.openqa.selenium.By.id("member-name")).getText())
          .isEqualTo(member);
      browser.screenshot("member");

      browser.open(console.url() + "/search?q=" + job);
      assertThat(driver.findElement(org.openqa.selenium.By.id("hits")).getText())
          .contains(NS + "/" + job);
      browser.screenshot("search");

      assertThat(browser.requests())
          .isNotEmpty()
          .allSatisfy(request -> assertThat(request).startsWith("GET "));
      assertThat(browser.consoleProblems()).isEmpty();
    }
  }

  /** A job as the operator and relayer leave it once settled; returns its name. */
  private static String settledJob(long gpuSeconds, String cost) throws java.io.IOException {
    String name = "settled-" + UUID.randomUUID().toString().substring(0, 8);
    AIJob job = host.resource(Federation.exampleJob("20-aijob-inference.yaml", NS, name)).create();
    AIJobStatus status = new AIJobStatus();
    status.setPhase(JobPhase.Succeeded);
    Placement placement = new Placement();
    placement.setCluster(member);
    placement.setNodes(new ArrayList<>(List.of("gpu-0")));
    placement.setPricePerGpuHour("2.40");
    status.setPlacement(placement);
    status.setGpuSeconds(gpuSeconds);
    status.setCost(cost);
    Settlement settlement = new Settlement();
    settlement.setBatch("settlement-7-0");
    settlement.setTxHash("0x" + "ab".repeat(32));
    settlement.setBlockNumber(4242L);
    status.setSettlement(settlement);
    status.setConditions(
        new ArrayList<>(List.of(condition("Settled", true, "Settled", "block-marker-" + name))));
    job.setStatus(status);
    host.resource(job).updateStatus();
    return name;
  }

  /** A job paid from escrow as the operator leaves it once it found its deposit; its name. */
  private static String fundedJob(long escrowJobId, String provider, String required)
      throws java.io.IOException {
    String name = "funded-" + UUID.randomUUID().toString().substring(0, 8);
    AIJob job = host.resource(Federation.exampleJob("20-aijob-inference.yaml", NS, name)).create();
    AIJobStatus status = new AIJobStatus();
    status.setPhase(JobPhase.Pending);
    Funding funding = new Funding();
    funding.setDepositKey("0x" + "2e".repeat(32));
    funding.setRequired(required);
    funding.setEscrowJobId(escrowJobId);
    funding.setProvider(provider);
    status.setFunding(funding);
    job.setStatus(status);
    host.resource(job).updateStatus();
    return name;
  }

  private static ComputeNode computeNode(String node, int gpus) {
    ComputeNode cn = new ComputeNode();
    cn.setMetadata(new ObjectMetaBuilder().withName(member + "." + node).build());
    ComputeNodeSpec spec = new ComputeNodeSpec();
    spec.setCluster(member);
    spec.setNodeName(node);
    cn.setSpec(spec);
    ComputeNodeStatus status = new ComputeNodeStatus();
    GpuInventory gpu = new GpuInventory();
    gpu.setProduct(H100);
    gpu.setCount(gpus);
    gpu.setMemoryMiB(81559);
    status.setGpu(gpu);
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(address(node));
    status.setIdentity(identity);
    status.setConditions(
        new ArrayList<>(List.of(condition("Registered", true, "Registered", "keys recorded"))));
    cn.setStatus(status);
    return cn;
  }

  /** Creates the ComputeNode and writes its status, as the operator does. */
  private static void write(ComputeNode node) {
    ComputeNodeStatus status = node.getStatus();
    ComputeNode created = host.resource(node).create();
    created.setStatus(status);
    host.resource(created).updateStatus();
  }

  private static String address(String node) {
    return "0x" + String.format("%040x", Math.abs((long) (member + node).hashCode()));
  }

  private static Condition condition(String type, boolean status, String reason, String message) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(Instant.now().toString())
        .build();
  }

  /** The page once the console has heard of what it should show (its informers are watches). */
  private static String awaitPage(String path, String containing) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> console.page(path), page -> page.contains(containing));
  }

  private static BigDecimal gpuHours(String page) {
    Matcher m = GPU_HOURS.matcher(page);
    assertThat(m.find()).as("the network page's GPU-hours").isTrue();
    return new BigDecimal(m.group(1));
  }
}
