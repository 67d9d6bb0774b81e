package io.aifabric.operator.proof;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpuUuidRegistryTest {
  @Test
  void aUuidReportedByTwoNodesFlagsBothUntilOneStops() {
    GpuUuidRegistry registry = new GpuUuidRegistry();
    assertThat(registry.claim("a", List.of("GPU-1", "GPU-2"))).isEmpty();
    assertThat(registry.claim("b", List.of("GPU-2", "GPU-3"))).containsExactly("a");
    // At a's next probe it is flagged too.
    assertThat(registry.claim("a", List.of("GPU-1", "GPU-2"))).containsExactly("b");
    registry.release("b");
    assertThat(registry.claim("a", List.of("GPU-1", "GPU-2"))).isEmpty();
  }
}
