package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class HardwareReceiverTest {
  final NodeKey node = NodeKey.generate(new SecureRandom());
  final NodeKey stranger = NodeKey.generate(new SecureRandom());
  final NodeKeys keys = new NodeKeys();
  final HardwareReports reports = new HardwareReports();
  final HardwareReceiver receiver = new HardwareReceiver(keys, reports, new SimpleMeterRegistry());

  HardwareReport report(NodeKey of) {
    return new HardwareReport(
        of.address(), 5L, "simulated", List.of(new HardwareReport.Gpu("GPU-1", "X", 100, 100, 1)));
  }

  @Test
  void aReportSentBeforeTheNodeRegisteredIsJudgedOnceItHas() {
    byte[] early = HardwareReportCodec.encode(report(node).sign(node));
    assertThat(receiver.judge(Topics.hardware(node.address()), early)).isEqualTo("unknown_node");
    assertThat(reports.latest("member-a.gpu-00")).isEmpty();
    keys.register("member-a.gpu-00", node.publicKey());
    assertThat(reports.latest("member-a.gpu-00")).isPresent();
  }

  @Test
  void onlyARegisteredNodesOwnSignedReportIsKept() {
    keys.register("member-a.gpu-00", node.publicKey());
    byte[] good = HardwareReportCodec.encode(report(node).sign(node));
    assertThat(receiver.judge(Topics.hardware(node.address()), good)).isEqualTo("accepted");
    assertThat(reports.latest("member-a.gpu-00")).isPresent();

    var forged = new HardwareReport.Signed(report(node), stranger.sign(report(node).digest()));
    assertThat(receiver.judge(Topics.hardware(node.address()), HardwareReportCodec.encode(forged)))
        .isEqualTo("bad_signature");
    byte[] strangers = HardwareReportCodec.encode(report(stranger).sign(stranger));
    assertThat(receiver.judge(Topics.hardware(stranger.address()), strangers))
        .isEqualTo("unknown_node");
    assertThat(receiver.judge(Topics.hardware(stranger.address()), good)).isEqualTo("wrong_topic");
    assertThat(receiver.judge(null, "{".getBytes(StandardCharsets.UTF_8))).isEqualTo("malformed");
  }
}
