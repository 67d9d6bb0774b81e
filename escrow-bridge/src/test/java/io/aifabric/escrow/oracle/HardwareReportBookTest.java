package io.aifabric.escrow.oracle;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HardwareReportBookTest {
  private final SecureRandom random = new SecureRandom();
  private final NodeKey node = NodeKey.generate(random);
  private final HardwareReportBook book = new HardwareReportBook(new SimpleMeterRegistry(), false);

  private HardwareReport report(NodeKey of, long at, String... uuids) {
    return new HardwareReport(
        of.address(),
        at,
        "simulated",
        List.of(uuids).stream()
            .map(u -> new HardwareReport.Gpu(u, "H100", 81559, 40960, 900))
            .toList());
  }

  private String take(NodeKey signer, HardwareReport report, String topic) {
    return book.take(
        topic,
        HardwareReportCodec.encode(
            new HardwareReport.Signed(report, signer.sign(report.digest()))));
  }

  @Test
  void aReportSignedByItsNodeOnItsTopicIsKeptAndFoundByItsDigest() {
    HardwareReport report = report(node, 1, "GPU-a");
    assertThat(take(node, report, Topics.hardware(node.address()))).isEqualTo("kept");
    assertThat(book.report(node.address().toString(), report.digest())).contains(report);
    assertThat(take(node, report, Topics.hardware(node.address()))).isEqualTo("duplicate");
  }

  @Test
  void aReportSignedByAnotherKeyIsNotKept() {
    HardwareReport report = report(node, 1, "GPU-a");
    NodeKey stranger = NodeKey.generate(random);
    assertThat(take(stranger, report, Topics.hardware(node.address()))).isEqualTo("bad_signature");
    assertThat(book.report(node.address().toString(), report.digest())).isEmpty();
  }

  @Test
  void aReportOnAnotherNodesTopicIsNotKept() {
    HardwareReport report = report(node, 1, "GPU-a");
    NodeKey other = NodeKey.generate(random);
    assertThat(take(node, report, Topics.hardware(other.address()))).isEqualTo("wrong_topic");
    assertThat(book.report(node.address().toString(), report.digest())).isEmpty();
  }

  @Test
  void garbageIsMalformed() {
    assertThat(book.take(Topics.hardware(node.address()), new byte[] {1, 2, 3}))
        .isEqualTo("malformed");
  }

  @Test
  void onlyTheLatestFewReportsOfANodeAreKept() {
    List<HardwareReport> reports =
        IntStream.range(0, HardwareReportBook.REPORTS_PER_NODE + 1)
            .mapToObj(i -> report(node, i, "GPU-a"))
            .toList();
    reports.forEach(r -> take(node, r, Topics.hardware(node.address())));
    assertThat(book.report(node.address().toString(), reports.get(0).digest())).isEmpty();
    assertThat(book.report(node.address().toString(), reports.get(reports.size() - 1).digest()))
        .isPresent();
  }

  @Test
  void nodesWhoseLatestReportNamesTheSameGpuAreFound() {
    NodeKey copier = NodeKey.generate(random);
    NodeKey bystander = NodeKey.generate(random);
    take(node, report(node, 1, "GPU-a", "GPU-b"), Topics.hardware(node.address()));
    take(copier, report(copier, 1, "GPU-b"), Topics.hardware(copier.address()));
    take(bystander, report(bystander, 1, "GPU-c"), Topics.hardware(bystander.address()));
    assertThat(book.nodesSharing(node.address().toString(), List.of("GPU-a", "GPU-b")))
        .containsExactly(copier.address().toString());
  }
}
