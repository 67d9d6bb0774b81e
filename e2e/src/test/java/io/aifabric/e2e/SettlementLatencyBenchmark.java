package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Benchmark harness, not a test (it asserts only that every job got paid, never a time): settlement
 * latency from job completion — the moment the job's node publishes its signed receipt — to the
 * AIJob's {@code status.settlement} (the settling transaction 3 blocks deep), on the settlement
 * network of {@link SettlementNetwork} (anvil, a block a second; 3 oracle processes, threshold 2).
 * The relayer runs with its defaults except the batch interval (5 s; 30 s by default). First jobs
 * one at a time (an idle network), then 100 jobs finishing together (one batch). Also the gas per
 * job the batches cost. Run it alone:
 *
 * <pre>
 * ./mvnw -B install -DskipTests && ./mvnw -B verify -pl e2e -Dit.test=SettlementLatencyBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * Results: stdout and e2e/target/bench/settlement-latency.txt.
 */
@ExtendWith(TestBedExtension.class)
class SettlementLatencyBenchmark {
  private static final BigInteger DEPOSIT = BigInteger.TEN.pow(17);
  private static final String BUDGET = "0.1";

  @Test
  void jobCompletionToSettlementInStatus(TestBed bed) throws Exception {
    try (Federation federation = Federation.start(bed);
        SettlementNetwork network =
            SettlementNetwork.start(
                bed, federation, Map.of("AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "5s"))) {
      String ns = bed.createNamespace(TestBed.HOST, "bench");
      StringBuilder report = new StringBuilder();
      report.append(run(federation, network, ns, "warm-up", 1, 3));
      report.append(run(federation, network, ns, "one job at a time", 1, 10));
      report.append(run(federation, network, ns, "100 jobs finishing together", 100, 1));
      System.out.print(report);
      Path out = Path.of("target/bench/settlement-latency.txt");
      Files.createDirectories(out.getParent());
      Files.writeString(out, report.toString());
    }
  }

  /** {@code rounds} rounds of {@code jobs} jobs each; a round starts when the last one settled. */
  private static String run(
      Federation federation,
      SettlementNetwork network,
      String ns,
      String label,
      int jobs,
      int rounds)
      throws Exception {
    Map<String, Long> completed = new ConcurrentHashMap<>();
    Map<String, Long> settled = new ConcurrentHashMap<>();
    Watch watch =
        federation
            .host
            .resources(AIJob.class)
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, AIJob job) {
                    if (job.getStatus() != null && job.getStatus().getSettlement() != null) {
                      settled.putIfAbsent(job.getMetadata().getUid(), System.nanoTime());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    Set<String> batches = new HashSet<>();
    try {
      for (int round = 0; round < rounds; round++) {
        List<AIJob> created = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
          created.add(
              federation.create(
                  SettlementNetwork.escrowJob(
                      ns, label.split(" ")[0] + "-" + round + "-" + i, BUDGET)));
        }
        // The payer deposits under each job's key (from its status) for the cheapest member's
        // provider; the operator dispatches each job once its deposit is there (Funded).
        String provider = network.providerOf("member-b");
        List<CompletableFuture<?>> deposits = new ArrayList<>();
        long deadline = network.chainTime() + 86_400;
        for (AIJob job : created) {
          deposits.add(
              network
                  .asPayer()
                  .deposit(
                      network.awaitDepositKey(job), provider, BigInteger.valueOf(deadline), DEPOSIT)
                  .sendAsync());
        }
        CompletableFuture.allOf(deposits.toArray(CompletableFuture[]::new)).join();
        List<AIJob> done = new ArrayList<>();
        for (AIJob job : created) {
          done.add(federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofMinutes(3)));
        }
        // Completion: the node signs and publishes its receipt.
        for (AIJob job : done) {
          var placement = job.getStatus().getPlacement();
          SimulatedAgent agent =
              network.agentOn(placement.getCluster(), placement.getNodes().get(0));
          completed.put(job.getMetadata().getUid(), System.nanoTime());
          agent.publishReceipt(job.getMetadata().getUid(), 0, 30);
        }
        await()
            .atMost(Duration.ofMinutes(5))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> settled.keySet().containsAll(completed.keySet()));
        for (AIJob job : done) {
          batches.add(federation.get(job).getStatus().getSettlement().getBatch());
        }
      }
    } finally {
      watch.close();
    }
    List<Double> seconds = new ArrayList<>();
    for (var e : completed.entrySet()) {
      seconds.add((settled.get(e.getKey()) - e.getValue()) / 1e9);
    }
    seconds.sort(Double::compare);
    assertThat(seconds).hasSize(jobs * rounds);
    long gas = 0;
    long batchedJobs = 0;
    for (String name : batches) {
      SettlementBatch batch =
          federation
              .host
              .resources(SettlementBatch.class)
              .inNamespace(Federation.SECRETS_NAMESPACE)
              .withName(name)
              .get();
      gas +=
          network
              .chain
              .web3j
              .ethGetTransactionReceipt(batch.getStatus().getTxHash())
              .send()
              .getTransactionReceipt()
              .orElseThrow()
              .getGasUsed()
              .longValueExact();
      batchedJobs += batch.getSpec().getEntries().size();
    }
    return String.format(
        "%s: receipt published -> AIJob status.settlement, %d jobs in %d batches:%n"
            + "  p50 %.1f s, p90 %.1f s, max %.1f s; settle transaction gas %d per job%n",
        label,
        seconds.size(),
        batches.size(),
        DispatchLatencyBenchmark.pct(seconds, 0.50),
        DispatchLatencyBenchmark.pct(seconds, 0.90),
        seconds.get(seconds.size() - 1),
        gas / Math.max(1, batchedJobs));
  }
}
