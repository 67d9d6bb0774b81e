package io.aifabric.e2e;

import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.testbed.JvmDiagnostics;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test: the operator's resident memory with 10,000 ComputeNodes and 10,000
 * AIJobs in the host. The AIJobs ask for a GPU model no member has, so the operator caches and
 * reconciles every one and keeps it Pending, without load on the members. The ComputeNodes belong
 * to a cluster no MemberCluster claims: the operator lists ComputeNodes per member and caches none,
 * so they cost it nothing (which is the point of that design). Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipITs &amp;&amp; ./mvnw -B verify -pl e2e -Dit.test=OperatorMemoryBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@ExtendWith(TestBedExtension.class)
class OperatorMemoryBenchmark {
  static final int OBJECTS = 10_000;

  @Test
  void residentMemoryWithTenThousandJobsAndNodes(TestBed bed) throws Exception {
    try (Federation federation =
        Federation.start(
            bed,
            Map.of(
                "AIFABRIC_DISPATCH_PENDING_RETRY",
                "60s",
                OperatorProcess.HEAP_SETTING,
                System.getProperty("aifabric.bench.heap", "-Xmx512m")))) {
      String ns = bed.createNamespace(TestBed.HOST, "mem");
      long before = ResidentMemory.kib(federation.operator.pid());
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(16);
      for (int i = 0; i < OBJECTS; i++) {
        int n = i;
        pool.submit(
            () -> {
              ComputeNode cn = new ComputeNode();
              cn.setMetadata(
                  new ObjectMetaBuilder()
                      .withName("phantom.node-" + n)
                      .addToLabels("aifabric.io/cluster", "phantom")
                      .build());
              ComputeNodeSpec spec = new ComputeNodeSpec();
              spec.setCluster("phantom");
              spec.setNodeName("node-" + n);
              cn.setSpec(spec);
              federation.host.resource(cn).create();
              AIJob job = Federation.exampleJob("23-aijob-fits-nowhere.yaml", ns, "mem-" + n);
              federation.create(job);
              return null;
            });
      }
      pool.shutdown();
      pool.awaitTermination(30, TimeUnit.MINUTES);
      double created = (System.nanoTime() - start) / 1e9;
      await()
          .atMost(Duration.ofMinutes(20))
          .pollInterval(Duration.ofSeconds(5))
          .until(() -> pending(federation, ns) >= OBJECTS);
      double reconciled = (System.nanoTime() - start) / 1e9;
      long after = ResidentMemory.kib(federation.operator.pid());
      long live = JvmDiagnostics.heapUsedAfterGcKib(federation.operator.pid());
      String report =
          String.format(
              "operator (%s): RSS %d MiB at start (2 members joined), %d MiB with %d ComputeNodes"
                  + " and %d AIJobs (all reconciled, Pending); live heap after a full GC %d MiB;"
                  + " objects created in %.0f s, all reconciled after %.0f s%n",
              System.getProperty("aifabric.bench.heap", "-Xmx512m"),
              before / 1024,
              after / 1024,
              OBJECTS,
              OBJECTS,
              live / 1024,
              created,
              reconciled);
      System.out.print(report);
      Path out = Path.of("target/bench/operator-memory.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report);
      // Where the heap goes, for whoever works on the figure next.
      Files.writeString(
          Path.of("target/bench/operator-memory-histogram.txt"),
          JvmDiagnostics.classHistogram(federation.operator.pid(), 40));
    }
  }

  private static long pending(Federation federation, String ns) {
    List<AIJob> jobs = federation.host.resources(AIJob.class).inNamespace(ns).list().getItems();
    return jobs.stream()
        .filter(j -> j.getStatus() != null && j.getStatus().getPhase() == JobPhase.Pending)
        .count();
  }
}
