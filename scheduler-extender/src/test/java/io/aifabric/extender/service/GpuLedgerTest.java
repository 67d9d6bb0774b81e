package io.aifabric.extender.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.extender.service.GpuLedger.PodRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class GpuLedgerTest {
  private final GpuLedger ledger = new GpuLedger();
  private final Instant now = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void sixteenConcurrentBindsForEightFreeGpusReserveExactlyEight() throws Exception {
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      PodRef pod = pod("p" + i);
      Callable<Boolean> bind =
          () -> {
            go.await();
            return ledger.reserve(pod, "gpu-0", 1, 8, now).isEmpty();
          };
      results.add(pool.submit(bind));
    }
    go.countDown();
    int reserved = 0;
    for (Future<Boolean> r : results) {
      reserved += r.get() ? 1 : 0;
    }
    pool.shutdown();
    assertThat(reserved).isEqualTo(8);
    assertThat(ledger.inUse("gpu-0")).isEqualTo(8);
    assertThat(ledger.reserve(pod("late"), "gpu-0", 1, 8, now))
        .hasValue("0 of 8 GPUs free on node gpu-0 (counting binds in flight), the pod needs 1");
  }

  @Test
  void aConfirmedReservationIsCountedOnceAsTheBoundPod() {
    assertThat(ledger.reserve(pod("a"), "gpu-0", 2, 8, now)).isEmpty();
    assertThat(ledger.inUse("gpu-0")).isEqualTo(2);
    ledger.podBound("a", "gpu-0", 2);
    assertThat(ledger.inUse("gpu-0")).isEqualTo(2);
    assertThat(ledger.reservations()).isZero();
    // The informer reports the pod again (a status update): still counted once.
    ledger.podBound("a", "gpu-0", 2);
    assertThat(ledger.inUse("gpu-0")).isEqualTo(2);
    ledger.podGone("a");
    assertThat(ledger.inUse("gpu-0")).isZero();
  }

  @Test
  void aRetriedBindOfTheSamePodDoesNotCountTwiceNorMoveIt() {
    assertThat(ledger.reserve(pod("a"), "gpu-0", 4, 8, now)).isEmpty();
    assertThat(ledger.reserve(pod("a"), "gpu-0", 4, 8, now)).isEmpty();
    assertThat(ledger.inUse("gpu-0")).isEqualTo(4);
    assertThat(ledger.reserve(pod("a"), "gpu-1", 4, 8, now))
        .hasValue("a bind of this pod to node gpu-0 is in flight");
    ledger.podBound("a", "gpu-0", 4);
    assertThat(ledger.reserve(pod("a"), "gpu-1", 4, 8, now))
        .hasValue("the pod is already bound to node gpu-0");
  }

  @Test
  void releasingGivesTheGpusBackAndPodsBoundElsewhereMoveTheirCount() {
    assertThat(ledger.reserve(pod("a"), "gpu-0", 8, 8, now)).isEmpty();
    assertThat(ledger.reserve(pod("b"), "gpu-0", 1, 8, now)).isPresent();
    ledger.release("a");
    assertThat(ledger.inUse("gpu-0")).isZero();
    assertThat(ledger.reserve(pod("b"), "gpu-0", 1, 8, now)).isEmpty();
    // Another scheduler bound b elsewhere: the reservation here goes, the count moves.
    ledger.podBound("b", "gpu-1", 1);
    assertThat(ledger.inUse("gpu-0")).isZero();
    assertThat(ledger.inUse("gpu-1")).isEqualTo(1);
  }

  @Test
  void tellsItsListenerEveryNodeWhoseCountChangedWithTheNewCountInPlace() {
    java.util.List<String> told = new java.util.ArrayList<>();
    ledger.onChange(node -> told.add(node + "=" + ledger.inUse(node)));
    ledger.reserve(pod("a"), "n1", 2, 8, Instant.EPOCH);
    ledger.podBound("a", "n1", 2);
    ledger.podBound("b", "n2", 1);
    ledger.podGone("a");
    assertThat(told).containsExactly("n1=2", "n1=0", "n1=2", "n2=1", "n1=0");
  }

  @Test
  void listsOnlyReservationsOlderThanTheCutoff() {
    ledger.reserve(pod("old"), "gpu-0", 1, 8, now.minusSeconds(60));
    ledger.reserve(pod("new"), "gpu-0", 1, 8, now);
    assertThat(ledger.reservedBefore(now.minusSeconds(30)))
        .extracting(GpuLedger.Reservation::podName)
        .containsExactly("old");
  }

  private static PodRef pod(String uid) {
    return new PodRef("team", uid, uid);
  }
}
