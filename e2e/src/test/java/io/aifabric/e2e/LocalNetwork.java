package io.aifabric.e2e;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ConsoleProcess;
import io.aifabric.testbed.ExtenderProcess;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.SchedulerProcess;
import io.aifabric.testbed.SealingSidecars;
import io.aifabric.testbed.TestBed;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The whole network on one machine, for {@code ./run-local.sh}: the test bed's host and two member
 * clusters (KWOK GPU nodes), the operator on its safe defaults and the MQTT broker (the federation
 * the E2E tests run); on each member the aifabric scheduler and extender, an object store with the
 * sealing sidecars, and the packaged node agent on the GPU nodes the examples need; an anvil chain
 * with the contracts and three oracle bridges, one also the relayer, run with their chart's
 * credentials (the settlement network the E2E tests run); then {@code examples/} applied, the
 * example payer's deposit made for the escrow-paid example, and its story told as it happens:
 * placed, run, receipted by its node's agent, attested by the oracles, settled on chain, the
 * provider paid; and the sealed example's outputs fetched and opened with the CLI and the user's
 * key. It keeps running until it is stopped (SIGTERM: everything it started stops).
 *
 * <p>Arguments: the directory the network lives in. It writes {@code story.txt} there when the paid
 * job is settled, and {@code ready} once everything is up.
 */
public final class LocalNetwork implements AutoCloseable {
  static final String NAMESPACE = "ml-team";
  static final String PAID_JOB = "paid-inference";
  static final String SEALED_JOB = "summarize-reports";
  private static final BigInteger DEPOSIT = new BigDecimal("0.1").movePointRight(18).toBigInteger();

  /** What is running, stopped in reverse order by {@link #close()}. */
  private final List<AutoCloseable> running = Collections.synchronizedList(new ArrayList<>());

  private final List<ExtenderProcess> extenders = Collections.synchronizedList(new ArrayList<>());
  private TestBed bed;
  private Federation federation;
  private SettlementNetwork chain;
  private ConsoleProcess console;
  private UserKey userKey;
  private Map<String, CompletableFuture<AgentProcess>> agents;

  LocalNetwork() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    Path bin = Path.of(System.getProperty("aifabric.testbed.bin", "e2e/bin"));
    LocalNetwork network = new LocalNetwork();
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM from run-local.sh: everything it started stops.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  network.close();
                  stopped.countDown();
                }));
    network.start(bin, dir);
    network.tellTheStory();
    stopped.await();
  }

  /**
   * Starts the whole network in {@code dir} and applies examples/; returns once the GPU nodes the
   * examples need are Verified and Available. {@link #close()} stops what it started, also when it
   * failed half-way.
   */
  void start(Path bin, Path dir) throws Exception {
    say("starting the host and two member clusters (20 KWOK GPU nodes each)");
    bed = TestBed.start(bin, dir, 2, 20);
    running.add(bed);
    say("the aifabric API on the host, the members joined, the operator and the MQTT broker");
    // The safe defaults: only Verified and Available nodes get work, placed by the aifabric
    // scheduler (the extender admits only such nodes and binds without double allocation).
    federation =
        Federation.start(
            bed,
            Map.of(
                "AIFABRIC_DISPATCH_SCHEDULER_NAME",
                ExtenderProcess.SCHEDULER,
                "AIFABRIC_PLACEMENT_UNVERIFIED_NODES",
                "false"));
    running.add(federation);
    // What needs only the federation comes up side by side: the chain and its oracles, each
    // member's scheduler, the object stores, the node agents. Jobs wait for Verified nodes.
    CompletableFuture<SettlementNetwork> chainStarted = inBackground(this::startSettlement);
    List<CompletableFuture<String>> schedulers = new ArrayList<>();
    for (String member : bed.members()) {
      schedulers.add(inBackground(() -> startScheduler(member)));
    }
    CompletableFuture<UserKey> stores = inBackground(this::offerObjectStores);
    CompletableFuture<ConsoleProcess> explorer =
        inBackground(() -> startConsole(chainStarted.join()));
    agents = startAgents();
    offerTrainingData();
    userKey = stores.join();
    schedulers.forEach(CompletableFuture::join);
    console = explorer.join();
    chain = chainStarted.join();

    say("applying examples/ (jobs wait for Verified and Available nodes)");
    applyExamples();
    Files.writeString(dir.resolve("ready"), "");
    awaitVerified();
  }

  /**
   * Follows the escrow-paid job from the payer's deposit to its settlement on chain and the
   * provider's credit, then fetches and opens the sealed job's outputs with the user's key; each
   * step told on stdout and in story.txt.
   *
   * @return how it ended
   */
  Ending tellTheStory() throws Exception {
    Story story = new Story(bed.dir().resolve("story.txt"));
    AIJob paid =
        federation.host.resources(AIJob.class).inNamespace(NAMESPACE).withName(PAID_JOB).get();
    String provider = chain.providerOf("member-b");
    chain.fund(paid, provider, DEPOSIT);
    story.add(
        "%s: the payer %s deposited 0.1 ETH for member-b's provider %s under the job's deposit key",
        PAID_JOB, SettlementNetwork.PAYER, provider);
    AIJob done = federation.awaitPhase(paid, JobPhase.Succeeded, Duration.ofSeconds(120));
    String cluster = done.getStatus().getPlacement().getCluster();
    String node = done.getStatus().getPlacement().getNodes().get(0);
    story.add(
        "%s: placed on %s/%s at %s ETH per GPU-hour, ran and succeeded",
        PAID_JOB, cluster, node, done.getStatus().getPlacement().getPricePerGpuHour());
    AIJob receipted =
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> federation.get(paid),
                j ->
                    j.getStatus().getReceiptCount() != null && j.getStatus().getReceiptCount() > 0);
    story.add(
        "%s: the node agent of %s signed its receipt: %d GPU-seconds",
        PAID_JOB, node, receipted.getStatus().getGpuSeconds());
    AIJob settled =
        Awaitility.await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> federation.get(paid),
                j ->
                    j.getStatus().getSettlement() != null
                        && j.getStatus().getSettlement().getBlockNumber() != null);
    var settlement = settled.getStatus().getSettlement();
    story.add(
        "%s: attested by the oracles in batch %s, settled in transaction %s, block %d",
        PAID_JOB, settlement.getBatch(), settlement.getTxHash(), settlement.getBlockNumber());
    BigInteger credit = chain.escrow.balanceOf(chain.escrow.accountIdOf(provider).send()).send();
    story.add(
        "%s: member-b's provider may withdraw %s ETH (%s wei) from the escrow; the rest of the"
            + " deposit is the payer's again",
        PAID_JOB,
        new BigDecimal(credit).movePointLeft(18).stripTrailingZeros().toPlainString(),
        credit);
    story.add("first job settled %d s after the start", elapsedSeconds());
    Path opened = fetchSealedOutputs(story);
    return new Ending(settled, credit, opened);
  }

  /** How the story ended: the paid job settled, the provider's credit, the opened outputs. */
  record Ending(AIJob settled, BigInteger providerCredit, Path openedOutputs) {}

  /** Stops everything it started, in reverse order; a part that fails to stop is reported. */
  @Override
  public void close() {
    List<AutoCloseable> started;
    synchronized (running) {
      started = new ArrayList<>(running);
      running.clear();
    }
    Collections.reverse(started);
    for (AutoCloseable part : started) {
      try {
        part.close();
      } catch (Exception e) {
        System.err.println("stopping: " + e.getMessage());
      }
    }
  }

  Federation federation() {
    return federation;
  }

  SettlementNetwork chain() {
    return chain;
  }

  List<ExtenderProcess> extenders() {
    return List.copyOf(extenders);
  }

  ConsoleProcess console() {
    return console;
  }

  /**
   * The network explorer, on the host's admin kubeconfig here (the control-plane chart runs it with
   * a ServiceAccount that may only read the aifabric kinds); its address goes to console-url for
   * run-local.sh.
   */
  /** The explorer over the host, reading the escrow's accounts on the chain for itself. */
  private ConsoleProcess startConsole(SettlementNetwork chain) throws IOException {
    ConsoleProcess console =
        ConsoleProcess.start(
            bed.kubeconfig(TestBed.HOST),
            bed.dir().resolve("console"),
            "-Xmx160m",
            Map.of(
                "AIFABRIC_CONSOLE_CHAIN_RPC_URL", chain.chain.url(),
                "AIFABRIC_CONSOLE_CHAIN_ESCROW", chain.escrow.getContractAddress()));
    running.add(console);
    Files.writeString(bed.dir().resolve("console-url"), console.url() + "\n");
    say("the network explorer at %s", console.url());
    return console;
  }

  /** anvil with the contracts, three oracle bridges (one also relaying) and the operator told. */
  private SettlementNetwork startSettlement() throws Exception {
    SettlementNetwork chain =
        SettlementNetwork.start(
            bed,
            federation,
            Map.of(
                "AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "2s",
                "AIFABRIC_BRIDGE_RELAYER_CONFIRMATIONS", "2"));
    running.add(chain);
    say(
        "anvil %s with JobEscrow %s, NodeRegistry and AvailabilityRewards; three oracle bridges,"
            + " one relaying",
        chain.chain.url(), chain.escrow.getContractAddress());
    return chain;
  }

  /**
   * A step run on a thread of its own (not the common pool, which has one thread on a two-CPU
   * machine and would run the steps one after the other).
   */
  private static <T> CompletableFuture<T> inBackground(Callable<T> step) {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                result.complete(step.call());
              } catch (Exception | Error e) {
                result.completeExceptionally(e);
              }
            });
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /** The aifabric scheduler and its GPU extender on a member, as the member chart runs them. */
  private String startScheduler(String member) {
    say("the aifabric scheduler and its GPU extender on " + member);
    MemberChart chart = new MemberChart(bed, member);
    ExtenderProcess extender =
        ExtenderProcess.start(
            chart.extenderKubeconfig(), bed.dir().resolve("extender-" + member), Map.of());
    running.add(extender);
    extenders.add(extender);
    String config = chart.schedulerConfig("extender.urlPrefix=" + extender.urlPrefix());
    running.add(
        SchedulerProcess.start(
            bed, member, config, ExtenderProcess.SCHEDULER, extender.schedulerTls()));
    return member;
  }

  /**
   * Each member's S3 store (SeaweedFS) named in its MemberCluster, with the credential the provider
   * hands the host; the sealing sidecars run as a kubelet runs native sidecars; and the user's key,
   * made with the CLI, that examples/24's outputs are sealed to.
   *
   * @return the user's key
   */
  private UserKey offerObjectStores() {
    for (String member : bed.members()) {
      say("the object store of " + member + " and its sealing sidecars");
      ObjectStoreProcess store =
          ObjectStoreProcess.start(
              ObjectStoreProcess.defaultBinary(), bed.dir().resolve("stores/" + member), "outputs");
      running.add(store);
      federation.offerObjectStore(member, store);
      running.add(
          SealingSidecars.start(bed.client(member), bed.dir().resolve("sidecars/" + member)));
    }
    Path key = bed.dir().resolve("user/key");
    CommandResult keygen = AifabricCli.run("keygen", "--out", key.toString());
    if (keygen.exitCode() != 0) {
      throw new IllegalStateException("aifabric keygen: " + keygen.stderr());
    }
    String publicKey = keygen.stdout().strip();
    say("the user's key %s (aifabric keygen), public key %s", key, publicKey);
    return new UserKey(key, publicKey);
  }

  /**
   * examples/24's outputs, sealed to the user's key in the members' stores, fetched and opened with
   * the CLI as the user would, once the nodes' agents signed receipts naming them.
   */
  private Path fetchSealedOutputs(Story story) throws IOException {
    AIJob job =
        federation.host.resources(AIJob.class).inNamespace(NAMESPACE).withName(SEALED_JOB).get();
    AIJob sealed =
        Awaitility.await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> federation.get(job),
                j ->
                    Federation.condition(j, "OutputsSealed")
                        .map(c -> "True".equals(c.getStatus()))
                        .orElse(false));
    for (ReplicaOutput output : sealed.getStatus().getOutputs()) {
      story.add(
          "%s: replica %d's output sealed to the user's key, %d bytes at %s, receipted by node %s",
          SEALED_JOB,
          output.getReplica(),
          output.getSealedBytes(),
          output.getUrl(),
          output.getNodeAddress());
    }
    Path out = bed.dir().resolve("user/" + SEALED_JOB);
    CommandResult fetched =
        AifabricCli.run(
            "fetch",
            SEALED_JOB,
            "-n",
            NAMESPACE,
            "--kubeconfig",
            bed.kubeconfig(TestBed.HOST).toString(),
            "--key",
            userKey.file().toString(),
            "--out",
            out.toString());
    if (fetched.exitCode() != 0) {
      throw new IllegalStateException("aifabric fetch: " + fetched.stderr());
    }
    fetched.stdout().lines().forEach(line -> say("  %s", line));
    story.add(
        "%s: fetched and opened with the user's key (aifabric fetch): %s/replica-0/result.txt"
            + " says \"%s\"",
        SEALED_JOB, out, Files.readString(out.resolve("replica-0/result.txt")));
    return out;
  }

  /**
   * The packaged node agent (as the member chart's DaemonSet runs it) on the GPU nodes the examples
   * need — four H100 and one A100 node in member-a, two RTX 4090 nodes in member-b; the other KWOK
   * nodes run none, so they get no work. The member chart's credentials are made one at a time
   * (each is a Helm upgrade of one release); the agents' JVMs start side by side.
   *
   * @return each agent's ComputeNode name and its start
   */
  private Map<String, CompletableFuture<AgentProcess>> startAgents() throws IOException {
    Map<String, Map<String, Integer>> wanted =
        Map.of(
            "member-a", Map.of("NVIDIA-H100-80GB-HBM3", 4, "NVIDIA-A100-SXM4-40GB", 1),
            "member-b", Map.of("NVIDIA-GeForce-RTX-4090", 2));
    Map<String, CompletableFuture<AgentProcess>> agents = new TreeMap<>();
    List<AgentProcess> started = Collections.synchronizedList(new ArrayList<>());
    // Stopped side by side too: each takes a few seconds to close.
    running.add(() -> closeTogether(started));
    for (var member : wanted.entrySet()) {
      for (var model : member.getValue().entrySet()) {
        List<String> nodes =
            bed
                .client(member.getKey())
                .nodes()
                .withLabel("nvidia.com/gpu.product", model.getKey())
                .list()
                .getItems()
                .stream()
                .map(n -> n.getMetadata().getName())
                .sorted()
                .limit(model.getValue())
                .toList();
        for (String node : nodes) {
          say("the node agent on %s/%s", member.getKey(), node);
          Map<String, String> settings = NodeAgents.settings(federation, member.getKey(), node);
          Path credentials = NodeAgents.credentials(bed, federation, member.getKey(), node);
          agents.put(
              member.getKey() + "." + node,
              inBackground(
                  () -> {
                    AgentProcess agent =
                        AgentProcess.start(credentials, bed.dir().resolve("agents"), settings);
                    started.add(agent);
                    return agent;
                  }));
        }
      }
    }
    return agents;
  }

  /**
   * Waits until the agents' ComputeNodes are Verified (the signed hardware report matched the
   * listing) and Available (signed heartbeats arrive).
   */
  private void awaitVerified() {
    agents.values().forEach(CompletableFuture::join);
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                agents.keySet().stream()
                    .map(n -> federation.host.resources(ComputeNode.class).withName(n).get())
                    .allMatch(
                        cn ->
                            cn != null
                                && Federation.condition(cn, "Verified")
                                    .map(c -> "True".equals(c.getStatus()))
                                    .orElse(false)
                                && Federation.condition(cn, "Available")
                                    .map(c -> "True".equals(c.getStatus()))
                                    .orElse(false)));
    say("%d GPU nodes Registered, Verified and Available", agents.size());
  }

  private static void closeTogether(List<AgentProcess> agents) throws InterruptedException {
    List<AgentProcess> started;
    synchronized (agents) {
      started = List.copyOf(agents);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, started.size()));
    started.forEach(agent -> pool.execute(agent::close));
    pool.shutdown();
    pool.awaitTermination(1, TimeUnit.MINUTES);
  }

  /** member-a offers a volume the training-data StorageVolume (examples/30) binds to. */
  private void offerTrainingData() {
    bed.client("member-a")
        .persistentVolumes()
        .resource(Federation.trainingDataVolume("dc-eu-training-data"))
        .serverSideApply();
  }

  /**
   * Applies examples/ (one kubectl apply, files in name order); examples/24 with the user's public
   * key in place of the example's, so that its outputs are sealed to a key this network's user
   * holds.
   */
  private void applyExamples() throws IOException {
    Path applied = Files.createDirectories(bed.dir().resolve("user/examples"));
    try (Stream<Path> listed = Files.list(Federation.example(""))) {
      for (Path file : listed.filter(f -> f.toString().endsWith(".yaml")).toList()) {
        Files.writeString(
            applied.resolve(file.getFileName()),
            Files.readString(file)
                .replaceAll(
                    "userPublicKey: \"[^\"]*\"", "userPublicKey: \"" + userKey.publicKey() + "\""));
      }
    }
    CommandResult result = bed.kubectl(TestBed.HOST, "apply", "-f", applied.toString());
    if (!result.succeeded()) {
      throw new IllegalStateException("kubectl apply -f examples/: " + result.stderr());
    }
    result.stdout().lines().forEach(line -> say("  %s", line));
  }

  private static final long STARTED = System.nanoTime();

  private static long elapsedSeconds() {
    return (System.nanoTime() - STARTED) / 1_000_000_000L;
  }

  private static void say(String format, Object... args) {
    System.out.printf("[%3d s] %s%n", elapsedSeconds(), String.format(format, args));
    System.out.flush();
  }

  /** The user's key file (aifabric keygen) and the public key it printed. */
  private record UserKey(Path file, String publicKey) {}

  /** What happened to the paid job, line by line, on stdout and in a file for run-local.sh. */
  private record Story(Path file) {
    void add(String format, Object... args) throws IOException {
      String line = String.format(format, args);
      say("%s", line);
      Files.writeString(
          file,
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }
}
