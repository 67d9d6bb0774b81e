package io.aifabric.agent.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.agent.testing.MosquittoResource;
import io.aifabric.agent.testing.TopicRecorder;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.HeartbeatVerifier;
import io.aifabric.protocol.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The agent (a simulated 8-GPU node) against a real Mosquitto broker. */
@QuarkusTest
@QuarkusTestResource(MosquittoResource.class)
// The broker restart goes last: a broker without persistence forgets retained messages.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HeartbeatOverMqttTest {
  @Inject NodeKeyring identity;

  HeartbeatVerifier verifier() {
    return new HeartbeatVerifier(
        Map.of(identity.address(), identity.signingKey().publicKey())::get,
        Clock.systemUTC(),
        Duration.ofSeconds(60),
        Duration.ofSeconds(10));
  }

  @Test
  void signedHeartbeatsArriveOnTheNodesTopicAndVerify() throws Exception {
    try (TopicRecorder recorder =
        new TopicRecorder(MosquittoResource.broker, Topics.HEARTBEATS + "#")) {
      await().atMost(Duration.ofSeconds(15)).until(() -> recorder.received().size() >= 3);
      HeartbeatVerifier verifier = verifier();
      long previous = 0;
      for (TopicRecorder.Received r : recorder.received()) {
        assertThat(r.topic()).isEqualTo(Topics.heartbeat(identity.address()));
        var verdict = verifier.verify(r.topic(), r.payload());
        assertThat(verdict).isInstanceOf(HeartbeatVerifier.Accepted.class);
        var hb = ((HeartbeatVerifier.Accepted) verdict).heartbeat();
        assertThat(hb.sequence()).isGreaterThan(previous);
        previous = hb.sequence();
        assertThat(hb.telemetry().split(";")).hasSize(8);
      }
    }
  }

  @Test
  void aSignedHardwareReportIsRetainedOnTheNodesTopic() throws Exception {
    // Subscribing after it was published: the broker hands over the retained report.
    try (TopicRecorder recorder =
        new TopicRecorder(MosquittoResource.broker, Topics.HARDWARE + "#")) {
      // Sent until the broker acknowledges it, every 5 s: a slow start is waited out.
      await().atMost(Duration.ofSeconds(30)).until(() -> !recorder.received().isEmpty());
      var received = recorder.received().get(0);
      assertThat(received.topic()).isEqualTo(Topics.hardware(identity.address()));
      var signed = HardwareReportCodec.decode(received.payload());
      assertThat(
              identity
                  .signingKey()
                  .publicKey()
                  .verifies(signed.report().digest(), signed.signature()))
          .isTrue();
      assertThat(signed.report().gpus()).hasSize(8);
      assertThat(signed.report().method()).isEqualTo("simulated");
      assertThat(signed.report().gpus().get(0).measuredMiB()).isEqualTo(81559 - 512);
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void afterABrokerRestartHeartbeatsResumeFreshWithoutABacklog() throws Exception {
    try (TopicRecorder recorder =
        new TopicRecorder(MosquittoResource.broker, Topics.HEARTBEATS + "#")) {
      await().atMost(Duration.ofSeconds(15)).until(() -> !recorder.received().isEmpty());
      MosquittoResource.broker.stop();
      Thread.sleep(5_000); // five beats' worth of silence
      long restarted = System.currentTimeMillis();
      MosquittoResource.broker.startAgain();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> recorder.received().stream().anyMatch(r -> r.arrivedMillis() > restarted));
      Thread.sleep(3_000);
      List<TopicRecorder.Received> after =
          recorder.received().stream().filter(r -> r.arrivedMillis() > restarted).toList();
      for (TopicRecorder.Received r : after) {
        var hb = HeartbeatCodec.decode(r.payload()).heartbeat();
        // Nothing from the outage is replayed: every heartbeat after the restart is about now.
        assertThat(hb.timestampMillis()).isGreaterThan(restarted - 1_500);
      }
      // About one a second, not a burst of the missed ones.
      assertThat(after.size()).isLessThanOrEqualTo(6);
    }
  }
}
