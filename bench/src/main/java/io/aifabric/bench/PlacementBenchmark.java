package io.aifabric.bench;

import io.aifabric.operator.placement.ClusterView;
import io.aifabric.operator.placement.GpuNodeView;
import io.aifabric.operator.placement.JobRequest;
import io.aifabric.operator.placement.Placement;
import io.aifabric.operator.placement.PlacementEngine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
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
 * Cluster-level placement of one job over a network of {@code clusters} members with {@code
 * nodesPerCluster} 8-GPU nodes each (DESIGN.md §6: p99 < 10 ms per job, > 500 jobs/s at 100 x 100).
 * Nodes are partly in use; jobs are a mix of sizes, models, regions and price caps. Each operation
 * places a job and releases it, so the fleet's load stays as set up.
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
public class PlacementBenchmark {
  static final String[] MODELS = {
    "NVIDIA-H100-80GB-HBM3", "NVIDIA-A100-SXM4-40GB", "NVIDIA-GeForce-RTX-4090"
  };
  static final int[] MEMORY = {81559, 40960, 24564};
  static final String[] REGIONS = {
    "eu-west-1", "us-east-1", "ap-southeast-1", "eu-central-1", "us-west-2"
  };

  @Param({"100"})
  int clusters;

  @Param({"100"})
  int nodesPerCluster;

  private PlacementEngine engine;
  private List<ClusterView> fleet;
  private JobRequest[] jobs;
  private int next;

  @Setup
  public void setUp() {
    Random random = new Random(42);
    fleet = new ArrayList<>();
    for (int c = 0; c < clusters; c++) {
      int m1 = c % 3;
      int m2 = (c + 1) % 3;
      List<GpuNodeView> nodes = new ArrayList<>();
      for (int n = 0; n < nodesPerCluster; n++) {
        int m = n % 2 == 0 ? m1 : m2;
        nodes.add(
            new GpuNodeView(
                "gpu-" + n,
                MODELS[m],
                MEMORY[m],
                8,
                random.nextInt(9),
                Map.of(),
                random.nextInt(20) > 0,
                true,
                150 + random.nextInt(106),
                random.nextInt(4)));
      }
      fleet.add(
          new ClusterView(
              "member-" + c,
              "0x" + String.format("%040x", c % 7),
              REGIONS[c % REGIONS.length],
              Map.of("aifabric.io/provider", "dc-" + (c % 7)),
              true,
              Map.of(
                  MODELS[m1], BigDecimal.valueOf(50 + random.nextInt(250), 2),
                  MODELS[m2], BigDecimal.valueOf(50 + random.nextInt(250), 2)),
              true,
              nodes));
    }
    engine = new PlacementEngine();
    jobs = new JobRequest[1024];
    int[] sizes = {1, 2, 4, 8};
    for (int i = 0; i < jobs.length; i++) {
      Set<String> models = random.nextBoolean() ? Set.of() : Set.of(MODELS[random.nextInt(3)]);
      Set<String> regions = random.nextInt(4) == 0 ? Set.of(REGIONS[random.nextInt(5)]) : Set.of();
      BigDecimal cap =
          random.nextInt(3) == 0 ? BigDecimal.valueOf(100 + random.nextInt(200), 2) : null;
      jobs[i] =
          new JobRequest(
              "job-" + i,
              1 + random.nextInt(4),
              sizes[random.nextInt(4)],
              models,
              0,
              regions,
              random.nextInt(2),
              random.nextInt(200),
              cap,
              Map.of(),
              List.of(),
              null,
              false,
              Set.of());
    }
  }

  private Placement placeOne() {
    JobRequest job = jobs[next++ & (jobs.length - 1)];
    Placement placement = engine.place(job, fleet);
    engine.release(job.key());
    return placement;
  }

  /** Latency per job (p50, p99 in the report). */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Placement latency() {
    return placeOne();
  }

  /** Jobs placed per second on one thread (placements are serialised by design). */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Placement throughput() {
    return placeOne();
  }
}
