package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BoundedHandoffTest {
  @Test
  void whatDoesNotFitWhileTheWorkerIsBusyIsDroppedAndTheRestHandledInOrder() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<String> handled = new ArrayList<>();
    CountDownLatch allHandled = new CountDownLatch(4);
    // Room for the first message (held by the blocked worker) and three queued: 4 × (4 + 96).
    try (BoundedHandoff handoff =
        new BoundedHandoff(
            "test",
            400,
            (topic, payload) -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              synchronized (handled) {
                handled.add(topic);
              }
              allHandled.countDown();
            })) {
      for (int i = 0; i < 4; i++) {
        assertThat(handoff.offer("t" + i, new byte[4])).isTrue();
      }
      assertThat(handoff.offer("t4", new byte[4])).isFalse();
      assertThat(handoff.dropped()).isEqualTo(1);

      release.countDown();
      assertThat(allHandled.await(10, TimeUnit.SECONDS)).isTrue();
      synchronized (handled) {
        assertThat(handled).containsExactly("t0", "t1", "t2", "t3");
      }
      // Released once each is handled (just after the sink returns).
      await().atMost(Duration.ofSeconds(10)).until(handoff::queuedBytes, bytes -> bytes == 0);
    }
  }
}
