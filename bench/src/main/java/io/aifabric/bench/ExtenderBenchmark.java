package io.aifabric.bench;

import io.aifabric.extender.FilterPolicy;
import io.aifabric.extender.GpuPrioritizer;
import io.aifabric.extender.NodeGpus;
import io.aifabric.extender.service.ExtenderVerbs;
import io.aifabric.extender.service.GpuLedger;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.ExtenderJson;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The extender's work for one pod, without the network: read kube-scheduler's filter request (node
 * names, node cache on), filter, write the answer; then the same for prioritize. {@code nodes} node
 * names per request over a cache of 5,000 8-GPU nodes, partly in use and partly unverified
 * (DESIGN.md §6: p99 < 2 ms, > 2,000 requests/s on 2 cores).
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class ExtenderBenchmark {
  private static final int CACHE = 5000;

  @Param({"500", "5000"})
  int nodes;

  private final ExtenderJson json = new ExtenderJson();
  private ExtenderVerbs verbs;
  private byte[] request;

  @Setup
  public void setUp() throws Exception {
    Random random = new Random(7);
    GpuLedger ledger = new GpuLedger();
    Map<String, NodeGpus> cache = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < CACHE; i++) {
      String name = String.format("gpu-node-%05d", i);
      boolean verified = random.nextInt(10) > 0;
      cache.put(
          name,
          new NodeGpus(
              name,
              "NVIDIA-H100-80GB-HBM3",
              8,
              0,
              verified,
              true,
              100 + random.nextInt(156),
              1,
              81559,
              random.nextBoolean() ? 2.0 + random.nextInt(3) : null));
      ledger.podBound("pod-" + i, name, random.nextInt(9));
      // As GpuNodeCache keeps them: each node with the ledger's count for it.
      cache.put(name, cache.get(name).withInUse(ledger.inUse(name)));
      if (i < nodes) {
        names.add(name);
      }
    }
    verbs =
        new ExtenderVerbs(
            n -> Optional.ofNullable(cache.get(n)),
            ledger::inUse,
            FilterPolicy.DEFAULT,
            new GpuPrioritizer(GpuPrioritizer.Weights.DEFAULT));
    var pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("train-0")
            .withNamespace("team-a")
            .withUid("6f1c2a1e-3c1b-4f7e-9d55-0b8e5c7e9a10")
            .addToLabels("aifabric.io/job", "llm-finetune")
            .endMetadata()
            .withNewSpec()
            .withSchedulerName("aifabric-scheduler")
            .addToNodeSelector("nvidia.com/gpu.product", "NVIDIA-H100-80GB-HBM3")
            .addNewContainer()
            .withName("main")
            .withImage("ghcr.io/example/train:1")
            .withNewResources()
            .addToRequests("cpu", new Quantity("4"))
            .addToLimits("nvidia.com/gpu", new Quantity("2"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    request = json.mapper().writeValueAsBytes(Map.of("Pod", pod, "NodeNames", names));
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public int filterAndPrioritize() throws Exception {
    byte[] filtered = json.write(verbs.filter(json.read(request, ExtenderArgs.class)));
    byte[] scored = json.write(verbs.prioritize(json.read(request, ExtenderArgs.class)));
    return filtered.length + scored.length;
  }
}
