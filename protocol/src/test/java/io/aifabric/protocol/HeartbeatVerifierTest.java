package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.HeartbeatVerifier.Accepted;
import io.aifabric.protocol.HeartbeatVerifier.Rejected;
import io.aifabric.protocol.HeartbeatVerifier.Rejection;
import io.aifabric.protocol.HeartbeatVerifier.Verdict;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every way a heartbeat can be wrong, each refused for its own reason and never applied. */
class HeartbeatVerifierTest {
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  final NodeKey node = NodeKey.generate(new SecureRandom());
  final NodeKey stranger = NodeKey.generate(new SecureRandom());
  final HeartbeatVerifier verifier =
      new HeartbeatVerifier(
          Map.of(node.address(), node.publicKey())::get,
          Clock.fixed(NOW, ZoneOffset.UTC),
          Duration.ofSeconds(60),
          Duration.ofSeconds(10));

  Heartbeat heartbeat(long seq, Instant at) {
    return new Heartbeat(node.address(), seq, at.toEpochMilli(), "GPU-1,87,61,40960", "0.1.0");
  }

  byte[] wire(Heartbeat hb, NodeKey signer) {
    return HeartbeatCodec.encode(new Heartbeat.Signed(hb, signer.sign(hb.digest())));
  }

  Verdict verify(byte[] payload) {
    return verifier.verify(Topics.heartbeat(node.address()), payload);
  }

  static Rejection reason(Verdict v) {
    assertThat(v).isInstanceOf(Rejected.class);
    return ((Rejected) v).reason();
  }

  @Test
  void aFreshSignedHeartbeatIsAcceptedAndAdvancesTheSequence() {
    Verdict v = verify(wire(heartbeat(1, NOW), node));
    assertThat(v).isInstanceOf(Accepted.class);
    assertThat(((Accepted) v).heartbeat().telemetry()).isEqualTo("GPU-1,87,61,40960");
    assertThat(verifier.lastSequence(node.address())).hasValue(1);
    assertThat(verify(wire(heartbeat(2, NOW), node))).isInstanceOf(Accepted.class);
  }

  @Test
  void wrongKey() {
    assertThat(reason(verify(wire(heartbeat(1, NOW), stranger))))
        .isEqualTo(Rejection.BAD_SIGNATURE);
    assertThat(verifier.lastSequence(node.address())).isEmpty();
  }

  @Test
  void unknownNode() {
    Heartbeat hb = new Heartbeat(stranger.address(), 1, NOW.toEpochMilli(), "", "0.1.0");
    byte[] payload = wire(hb, stranger);
    assertThat(reason(verifier.verify(Topics.heartbeat(stranger.address()), payload)))
        .isEqualTo(Rejection.UNKNOWN_NODE);
  }

  @Test
  void replayedSequence() {
    byte[] first = wire(heartbeat(5, NOW), node);
    assertThat(verify(first)).isInstanceOf(Accepted.class);
    assertThat(reason(verify(first))).isEqualTo(Rejection.REPLAYED);
    assertThat(reason(verify(wire(heartbeat(4, NOW), node)))).isEqualTo(Rejection.REPLAYED);
  }

  @Test
  void aSeededSequenceSurvivesARestart() {
    verifier.seed(node.address(), 9);
    assertThat(reason(verify(wire(heartbeat(9, NOW), node)))).isEqualTo(Rejection.REPLAYED);
    assertThat(verify(wire(heartbeat(10, NOW), node))).isInstanceOf(Accepted.class);
  }

  @Test
  void staleTimestamp() {
    assertThat(reason(verify(wire(heartbeat(1, NOW.minusSeconds(61)), node))))
        .isEqualTo(Rejection.STALE);
  }

  @Test
  void futureTimestamp() {
    assertThat(reason(verify(wire(heartbeat(1, NOW.plusSeconds(11)), node))))
        .isEqualTo(Rejection.FUTURE);
    assertThat(verify(wire(heartbeat(1, NOW.plusSeconds(9)), node))).isInstanceOf(Accepted.class);
  }

  @Test
  void malformedPayloads() {
    for (String bad :
        new String[] {
          "",
          "not json",
          "[1,2]",
          "{\"node\":\"0x12\",\"seq\":1,\"ts\":1,\"telemetry\":\"\",\"agent\":\"a\",\"sig\":\"0x\"}",
          "{\"seq\":1}"
        }) {
      assertThat(reason(verify(bad.getBytes(StandardCharsets.UTF_8))))
          .as(bad)
          .isEqualTo(Rejection.MALFORMED);
    }
  }

  @Test
  void truncatedSignature() {
    String json = new String(wire(heartbeat(1, NOW), node), StandardCharsets.UTF_8);
    String truncated = json.replaceAll("(\"sig\":\"0x[0-9a-f]{128})[0-9a-f]{2}\"", "$1\"");
    assertThat(truncated).isNotEqualTo(json);
    Verdict v = verify(truncated.getBytes(StandardCharsets.UTF_8));
    assertThat(reason(v)).isEqualTo(Rejection.MALFORMED);
    assertThat(((Rejected) v).detail()).contains("65");
  }

  @Test
  void tamperedTelemetryBreaksTheSignature() {
    String json = new String(wire(heartbeat(1, NOW), node), StandardCharsets.UTF_8);
    String tampered = json.replace("GPU-1,87,61,40960", "GPU-1,0,61,40960");
    assertThat(reason(verify(tampered.getBytes(StandardCharsets.UTF_8))))
        .isEqualTo(Rejection.BAD_SIGNATURE);
  }

  @Test
  void anotherNodesTopic() {
    assertThat(
            reason(
                verifier.verify(
                    Topics.heartbeat(stranger.address()), wire(heartbeat(1, NOW), node))))
        .isEqualTo(Rejection.WRONG_TOPIC);
  }
}
