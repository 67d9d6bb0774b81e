package io.aifabric.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlashEvidenceTest {
  private final byte[] report = Keccak256.hash("a report".getBytes());
  private final byte[] other = Keccak256.hash("another report".getBytes());

  @Test
  void oneFindingOnOneReportIsOneEvidence() {
    assertThat(SlashEvidence.of("VramMismatch", report))
        .hasSize(32)
        .isEqualTo(SlashEvidence.of("VramMismatch", report.clone()));
  }

  @Test
  void anotherReasonOrAnotherReportIsOtherEvidence() {
    byte[] vram = SlashEvidence.of("VramMismatch", report);
    assertThat(SlashEvidence.of("ModelMismatch", report)).isNotEqualTo(vram);
    assertThat(SlashEvidence.of("VramMismatch", other)).isNotEqualTo(vram);
  }

  @Test
  void aDigestOfAnotherLengthIsRefused() {
    assertThatThrownBy(() -> SlashEvidence.of("VramMismatch", new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a report digest has 32 bytes, not 31");
  }
}
