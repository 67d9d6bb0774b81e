package io.aifabric.operator.placement;

import static io.aifabric.operator.placement.Fleet.H100;
import static io.aifabric.operator.placement.Fleet.cluster;
import static io.aifabric.operator.placement.Fleet.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.operator.placement.Placement.Placed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;

/** 200 jobs applied at once: no cluster's free GPUs are ever over-committed. */
class ConcurrentPlacementTest {

  @RepeatedTest(5)
  void twoHundredJobsAtOnceNeverOverCommit() throws Exception {
    // 2 clusters x 10 nodes x 8 GPUs = 160 GPUs; the jobs ask for 200 x (1 to 4 replicas x 2 GPUs).
    List<ClusterView> clusters = new ArrayList<>();
    for (String name : List.of("member-a", "member-b")) {
      clusters.add(cluster(name).price(H100, "2").nodes(10, H100, 8).build());
    }
    PlacementEngine engine = new PlacementEngine();
    Map<String, Placed> placed = new ConcurrentHashMap<>();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    List<Future<?>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String key = "job-" + i;
      int replicas = 1 + i % 4;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                if (engine.place(job(key).gang(replicas, 2).build(), clusters)
                    instanceof Placed p) {
                  placed.put(key, p);
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();

    Map<String, Integer> usedByNode = new HashMap<>();
    placed
        .values()
        .forEach(
            p ->
                p.gpusByNode()
                    .forEach(
                        (node, gpus) ->
                            usedByNode.merge(p.cluster() + "/" + node, gpus, Integer::sum)));
    assertThat(usedByNode.values()).allSatisfy(used -> assertThat(used).isBetween(1, 8));
    int total = usedByNode.values().stream().mapToInt(Integer::intValue).sum();
    assertThat(total).isLessThanOrEqualTo(160);
    // Every GPU a job holds is a GPU the engine counts as reserved, and no more.
    assertThat(engine.reservedGpus("member-a") + engine.reservedGpus("member-b")).isEqualTo(total);
    // Demand (200 jobs, 1000 GPUs) far exceeds supply: the fleet ends (nearly) full, not idle.
    assertThat(total).isGreaterThanOrEqualTo(150);
    // Each placed gang got all its replicas.
    placed.forEach(
        (key, p) -> {
          int replicas = 1 + Integer.parseInt(key.substring(4)) % 4;
          assertThat(p.gpusByNode().values().stream().mapToInt(Integer::intValue).sum())
              .isEqualTo(replicas * 2);
        });
  }
}
