package io.aifabric.e2e;

import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.ConsoleProcess;
import io.aifabric.testbed.ControlPlaneChart;
import io.aifabric.testbed.JvmDiagnostics;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test: the console with 10,000 ComputeNodes and 10,000 AIJobs (each with
 * a status as the operator writes it) on the host. It measures the network page's and a node page's
 * latency (p50, p99 of 500 requests each, after 50 to warm up), the console's resident memory, and
 * how many list and watch requests the API server saw from anyone while 20 "tabs" held /live open
 * and loaded pages (none: pages read memory). Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipITs &amp;&amp; ./mvnw -B verify -pl e2e -Dit.test=ConsoleBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@ExtendWith(TestBedExtension.class)
class ConsoleBenchmark {
  static final int OBJECTS = Integer.getInteger("aifabric.bench.objects", 10_000);

  /**
   * The console's JVM options: the chart's ({@code console.javaOptions}) in a 256 MiB container
   * ({@code -XX:MaxRAM} is what the JVM reads from a container's memory limit), with native memory
   * tracking to say where the resident memory goes.
   */
  static final String HEAP =
      System.getProperty("aifabric.bench.heap", chartJavaOptions() + " -XX:MaxRAM=256m")
          + " -XX:NativeMemoryTracking=summary";

  private static String chartJavaOptions() {
    try {
      String values = Files.readString(ControlPlaneChart.chart().resolve("values.yaml"));
      Matcher options = Pattern.compile("(?m)^  javaOptions: \"([^\"]*)\"$").matcher(values);
      if (!options.find()) {
        throw new IllegalStateException("no console.javaOptions in the chart's values");
      }
      return options.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void pagesMemoryAndApiLoadWithTenThousandNodesAndJobs(TestBed bed) throws Exception {
    KubernetesClient host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    String ns = bed.createNamespace(TestBed.HOST, "console-bench");
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int i = 0; i < OBJECTS; i++) {
      int n = i;
      pool.submit(
          () -> {
            ComputeNode node = host.resource(node(n)).create();
            node.setStatus(nodeStatus(n));
            host.resource(node).updateStatus();
            AIJob job =
                host.resource(Federation.exampleJob("20-aijob-inference.yaml", ns, "bench-" + n))
                    .create();
            job.setStatus(jobStatus(n));
            host.resource(job).updateStatus();
            return null;
          });
    }
    pool.shutdown();
    pool.awaitTermination(60, TimeUnit.MINUTES);
    double created = (System.nanoTime() - start) / 1e9;

    Path dir = bed.dir().resolve("console-bench-" + System.nanoTime());
    // The chain the console reads for itself, as a network configures it (the escrow on anvil,
    // read every 10 s): its client's classes and threads count in the console's memory.
    try (AnvilChain chain = AnvilChain.start(dir.resolve("anvil.log"))) {
      String escrow = ConsoleIT.escrowToRead(chain).getContractAddress();
      measure(
          host,
          bed.kubeconfig(TestBed.HOST),
          dir,
          created,
          Map.of(
              "AIFABRIC_CONSOLE_CHAIN_RPC_URL",
              chain.url(),
              "AIFABRIC_CONSOLE_CHAIN_ESCROW",
              escrow));
    }
  }

  private static void measure(
      KubernetesClient host,
      Path kubeconfig,
      Path dir,
      double created,
      Map<String, String> chainSettings)
      throws Exception {
    long started = System.nanoTime();
    try (ConsoleProcess console = ConsoleProcess.start(kubeconfig, dir, HEAP, chainSettings)) {
      double ready = (System.nanoTime() - started) / 1e9;
      await()
          .atMost(Duration.ofMinutes(5))
          .until(
              () -> {
                String page = console.page("/");
                return page.contains("id=\"node-count\">" + OBJECTS)
                    && page.contains("id=\"chain-id\">" + AnvilChain.CHAIN_ID);
              });
      String node = "/nodes/bench.node-" + (OBJECTS / 2);
      double[] network = latencies(console, "/", 50, 500);
      double[] nodePage = latencies(console, node, 50, 500);

      // 20 tabs: each holds /live open and loads the network page 10 times.
      double[] before = apiListsAndWatches(host);
      HttpClient http = HttpClient.newHttpClient();
      List<InputStream> tabs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        tabs.add(
            http.send(
                    HttpRequest.newBuilder(URI.create(console.url() + "/live")).build(),
                    HttpResponse.BodyHandlers.ofInputStream())
                .body());
        for (int j = 0; j < 10; j++) {
          console.page("/");
        }
      }
      double[] after = apiListsAndWatches(host);
      for (InputStream tab : tabs) {
        tab.close();
      }
      long rss = ResidentMemory.kib(console.pid());
      String report =
          String.format(
              "console (%s) with %d ComputeNodes and %d AIJobs and the chain configured: ready %.1f"
                  + " s after start; network"
                  + " page p50 %.1f ms, p99 %.1f ms; node page p50 %.1f ms, p99 %.1f ms; RSS %d"
                  + " MiB; 20 tabs (live streams + 200 page loads): %+.0f lists, %+.0f watches"
                  + " of aifabric kinds on the API server; objects written in %.0f s%n",
              HEAP,
              OBJECTS,
              OBJECTS,
              ready,
              network[0],
              network[1],
              nodePage[0],
              nodePage[1],
              rss / 1024,
              after[0] - before[0],
              after[1] - before[1],
              created);
      // Where it goes: committed memory by JVM area, then the live heap and what holds it.
      String areas = JvmDiagnostics.nativeMemory(console.pid());
      long live = JvmDiagnostics.heapUsedAfterGcKib(console.pid());
      String histogram = JvmDiagnostics.classHistogram(console.pid(), 25);
      System.out.print(report);
      Path out = Path.of("target/bench/console.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(
          out,
          report
              + String.format("live heap after a full GC: %d MiB%n%n", live / 1024)
              + areas
              + "\n"
              + histogram
              + "\n");
    }
  }

  private static ComputeNode node(int n) {
    ComputeNode cn = new ComputeNode();
    cn.setMetadata(new ObjectMetaBuilder().withName("bench.node-" + n).build());
    ComputeNodeSpec spec = new ComputeNodeSpec();
    spec.setCluster("bench");
    spec.setNodeName("node-" + n);
    cn.setSpec(spec);
    return cn;
  }

  private static ComputeNodeStatus nodeStatus(int n) {
    ComputeNodeStatus status = new ComputeNodeStatus();
    GpuInventory gpu = new GpuInventory();
    gpu.setProduct(n % 2 == 0 ? "NVIDIA-H100-80GB-HBM3" : "NVIDIA-A100-SXM4-40GB");
    gpu.setCount(8);
    gpu.setMemoryMiB(81559);
    status.setGpu(gpu);
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(String.format("0x%040x", n + 1));
    status.setIdentity(identity);
    String now = Instant.now().toString();
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("Registered", "Registered", now),
                condition("Verified", "Matched", now),
                condition("Available", "Heartbeats", now))));
    return status;
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      String type, String reason, String now) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus("True")
        .withReason(reason)
        .withMessage(type + " since " + now)
        .withLastTransitionTime(now)
        .build();
  }

  private static AIJobStatus jobStatus(int n) {
    AIJobStatus status = new AIJobStatus();
    status.setPhase(n % 3 == 0 ? JobPhase.Running : JobPhase.Succeeded);
    Placement placement = new Placement();
    placement.setCluster("bench");
    placement.setNodes(new ArrayList<>(List.of("node-" + n)));
    placement.setPricePerGpuHour("2.40");
    status.setPlacement(placement);
    status.setGpuSeconds(3600L);
    status.setCost("2.4");
    return status;
  }

  /** p50 and p99 in milliseconds of {@code count} GETs after {@code warmup}. */
  private static double[] latencies(ConsoleProcess console, String path, int warmup, int count)
      throws Exception {
    for (int i = 0; i < warmup; i++) {
      console.page(path);
    }
    double[] ms = new double[count];
    for (int i = 0; i < count; i++) {
      long t = System.nanoTime();
      console.page(path);
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return new double[] {ms[count / 2], ms[(int) Math.ceil(count * 0.99) - 1]};
  }

  /** LIST and WATCH requests of aifabric kinds the host's API server has served, so far. */
  private static double[] apiListsAndWatches(KubernetesClient host) {
    String metrics = host.raw("/metrics");
    double lists = 0;
    double watches = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith("apiserver_request_total{") || !line.contains("group=\"aifabric.io\"")) {
        continue;
      }
      double value = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      if (line.contains("verb=\"LIST\"")) {
        lists += value;
      } else if (line.contains("verb=\"WATCH\"")) {
        watches += value;
      }
    }
    return new double[] {lists, watches};
  }
}
