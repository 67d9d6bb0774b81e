package io.aifabric.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeLabelsTest {
  @Test
  void gpuMemoryIsGpuFeatureDiscoverysLabelInMiB() {
    assertThat(NodeLabels.gpuMemoryMiB(Map.of(NodeLabels.GFD_MEMORY, "81559"))).isEqualTo(81559);
  }

  @Test
  void aMissingOrMalformedNumberIsZeroNotAnError() {
    assertThat(NodeLabels.gpuMemoryMiB(Map.of())).isZero();
    assertThat(NodeLabels.gpuMemoryMiB(Map.of(NodeLabels.GFD_MEMORY, "80GB"))).isZero();
    assertThat(NodeLabels.wholeNumber(null)).isZero();
  }
}
