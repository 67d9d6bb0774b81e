package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HardwareJudgeTest {
  static final String H100 = "NVIDIA-H100-80GB-HBM3";
  final NodeKey key = NodeKey.generate(new SecureRandom());

  HardwareReport report(int gpus, String product, int measuredMiB) {
    return new HardwareReport(
        key.address(),
        1L,
        "simulated",
        IntStream.range(0, gpus)
            .mapToObj(i -> new HardwareReport.Gpu("GPU-" + i, product, 81559, measuredMiB, 900))
            .toList());
  }

  @Test
  void whatIsListedIsWhatWasMeasured() {
    // Allocatable memory is a little below the total: within tolerance.
    assertThat(HardwareJudge.judge(report(8, H100, 80900), H100, 81559, 8)).isEmpty();
  }

  @Test
  void halfTheMemoryIsAVramMismatchPerGpu() {
    List<HardwareJudge.Finding> findings =
        HardwareJudge.judge(report(2, H100, 40960), H100, 81559, 2);
    assertThat(findings).extracting(HardwareJudge.Finding::reason).containsOnly("VramMismatch");
    assertThat(findings).hasSize(2);
    assertThat(findings.get(0).message()).contains("40960 MiB could be allocated of 81559 MiB");
  }

  @Test
  void anotherModelOrAnotherCountIsFound() {
    assertThat(HardwareJudge.judge(report(8, "NVIDIA-A100-SXM4-80GB", 81000), H100, 81559, 8))
        .extracting(HardwareJudge.Finding::reason)
        .contains("ModelMismatch");
    assertThat(HardwareJudge.judge(report(4, H100, 81000), H100, 81559, 8))
        .extracting(HardwareJudge.Finding::reason)
        .containsExactly("GpuCountMismatch");
  }
}
