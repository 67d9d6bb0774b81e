package io.aifabric.e2e;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.ExtenderProcess;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.SchedulerProcess;
import io.aifabric.testbed.TestBed;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * The whole network on one machine, for {@code ./run-local.sh}: the test bed's host and two member
 * clusters (KWOK GPU nodes), the operator and the MQTT broker (the federation the E2E tests run),
 * an anvil chain with the contracts and three oracle bridges, one also the relayer, run with their
 * chart's credentials (the settlement network the E2E tests run); then {@code examples/} applied,
 * the example payer's deposit made for the escrow-paid example, and its story told as it happens:
 * placed, run, receipted by its node's agent, attested by the oracles, settled on chain, the
 * provider paid. It keeps running until it is stopped (SIGTERM: everything it started stops).
 *
 * <p>Arguments: the directory the network lives in. It writes {@code story.txt} there when the paid
 * job is settled, and {@code ready} once everything is up.
 */
public final class LocalNetwork {
  private static final String NAMESPACE = "ml-team";
  private static final String PAID_JOB = "paid-inference";
  private static final BigInteger DEPOSIT = new BigDecimal("0.1").movePointRight(18).toBigInteger();

  private LocalNetwork() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    Path bin = Path.of(System.getProperty("aifabric.testbed.bin", "e2e/bin"));
    long started = System.nanoTime();
    List<AutoCloseable> running = new ArrayList<>();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (int i = running.size() - 1; i >= 0; i--) {
                    try {
                      running.get(i).close();
                    } catch (Exception e) {
                      System.err.println("stopping: " + e.getMessage());
                    }
                  }
                  stopped.countDown();
                }));

    say("starting the host and two member clusters (20 KWOK GPU nodes each)");
    TestBed bed = TestBed.start(bin, dir, 2, 20);
    running.add(bed);
    say("the aifabric API on the host, the members joined, the operator and the MQTT broker");
    // The safe defaults: only Verified and Available nodes get work, placed by the aifabric
    // scheduler (the extender admits only such nodes and binds without double allocation).
    Federation federation =
        Federation.start(
            bed,
            Map.of(
                "AIFABRIC_DISPATCH_SCHEDULER_NAME",
                ExtenderProcess.SCHEDULER,
                "AIFABRIC_PLACEMENT_UNVERIFIED_NODES",
                "false"));
    running.add(federation);
    for (String member : bed.members()) {
      say("the aifabric scheduler and its GPU extender on " + member);
      ExtenderProcess extender =
          ExtenderProcess.start(
              new MemberChart(bed, member).extenderKubeconfig(),
              bed.dir().resolve("extender-" + member),
              Map.of());
      running.add(extender);
      String config =
          new MemberChart(bed, member)
              .schedulerConfig("extender.urlPrefix=" + extender.urlPrefix());
      running.add(
          SchedulerProcess.start(
              bed, member, config, ExtenderProcess.SCHEDULER, extender.schedulerTls()));
    }
    startAgents(bed, federation, running);
    offerTrainingData(bed);
    say(
        "anvil with JobEscrow, NodeRegistry and AvailabilityRewards; three oracle bridges, one relaying");
    SettlementNetwork chain =
        SettlementNetwork.start(
            bed,
            federation,
            Map.of(
                "AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "2s",
                "AIFABRIC_BRIDGE_RELAYER_CONFIRMATIONS", "2"));
    running.add(chain);
    say("chain " + chain.chain.url() + ", escrow " + chain.escrow.getContractAddress());

    say("applying examples/");
    applyExamples(bed);
    Files.writeString(dir.resolve("ready"), "");

    Story story = new Story(dir.resolve("story.txt"));
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
    BigInteger credit = chain.escrow.balanceOf(providerId(chain, provider)).send();
    story.add(
        "%s: member-b's provider may withdraw %s ETH (%s wei) from the escrow; the rest of the"
            + " deposit is the payer's again",
        PAID_JOB,
        new BigDecimal(credit).movePointLeft(18).stripTrailingZeros().toPlainString(),
        credit);
    story.add(
        "first job settled %d s after the start", (System.nanoTime() - started) / 1_000_000_000L);
    stopped.await();
  }

  /**
   * The packaged node agent (as the member chart's DaemonSet runs it) on the GPU nodes the examples
   * need — four H100 and one A100 node in member-a, two RTX 4090 nodes in member-b — and waits
   * until their ComputeNodes are Registered, Verified (the signed hardware report matched the
   * listing) and Available (signed heartbeats arrive). The other KWOK nodes run none, so they get
   * no work.
   */
  private static void startAgents(TestBed bed, Federation federation, List<AutoCloseable> running)
      throws IOException {
    Map<String, Map<String, Integer>> wanted =
        Map.of(
            "member-a", Map.of("NVIDIA-H100-80GB-HBM3", 4, "NVIDIA-A100-SXM4-40GB", 1),
            "member-b", Map.of("NVIDIA-GeForce-RTX-4090", 2));
    List<String> computeNodes = new ArrayList<>();
    List<java.util.concurrent.Callable<AgentProcess>> starts = new ArrayList<>();
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
          say("  the node agent on " + member.getKey() + "/" + node);
          // The member chart's credentials one at a time (each is a Helm upgrade of one release).
          Map<String, String> settings = NodeAgents.settings(federation, member.getKey(), node);
          Path credentials = NodeAgents.credentials(bed, federation, member.getKey(), node);
          starts.add(() -> AgentProcess.start(credentials, bed.dir().resolve("agents"), settings));
          computeNodes.add(member.getKey() + "." + node);
        }
      }
    }
    // The agents' JVMs started side by side: each takes a few seconds to come up.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(starts.size());
    try {
      for (var started : pool.invokeAll(starts)) {
        running.add(started.get());
      }
    } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
      throw new IOException("a node agent did not start", e);
    } finally {
      pool.shutdown();
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () ->
                computeNodes.stream()
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
    say("  " + computeNodes.size() + " GPU nodes Registered, Verified and Available");
  }

  /** member-a offers a volume the training-data StorageVolume (examples/30) binds to. */
  private static void offerTrainingData(TestBed bed) {
    bed.client("member-a")
        .persistentVolumes()
        .resource(Federation.trainingDataVolume("dc-eu-training-data"))
        .serverSideApply();
  }

  private static void applyExamples(TestBed bed) throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(Federation.example(""))) {
      files = listed.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      CommandResult applied = bed.kubectl(TestBed.HOST, "apply", "-f", file.toString());
      if (!applied.succeeded()) {
        throw new IllegalStateException("kubectl apply -f " + file + ": " + applied.stderr());
      }
      applied.stdout().lines().forEach(line -> say("  " + line));
    }
  }

  private static BigInteger providerId(SettlementNetwork chain, String provider) throws Exception {
    return chain.escrow.accountIdOf(provider).send();
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** What happened to the paid job, line by line, on stdout and in a file for run-local.sh. */
  private record Story(Path file) {
    void add(String format, Object... args) throws IOException {
      String line = String.format(format, args);
      say(line);
      Files.writeString(
          file,
          line + "\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
  }
}
