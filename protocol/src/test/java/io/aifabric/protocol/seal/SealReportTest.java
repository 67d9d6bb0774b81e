package io.aifabric.protocol.seal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SealReportTest {
  @Test
  void aReportRoundTripsThroughItsTerminationMessage() {
    byte[] address = new byte[32];
    address[31] = 9;
    SealReport report = new SealReport(address, 1_048_643, 1_048_576, 3);

    String message = report.toJson();

    assertThat(message)
        .isEqualTo(
            "{\"v\":1,\"address\":\"0x"
                + "00".repeat(31)
                + "09\",\"sealedBytes\":1048643,\"plainBytes\":1048576,\"files\":3}");
    assertThat(SealReport.parse(message)).get().usingRecursiveComparison().isEqualTo(report);
  }

  @Test
  void whatIsNotAReportIsNoReport() {
    String good = new SealReport(new byte[32], 100, 10, 1).toJson();
    assertThat(SealReport.parse(null)).isEmpty();
    assertThat(SealReport.parse("")).isEmpty();
    assertThat(SealReport.parse("Error: out of memory")).isEmpty();
    assertThat(SealReport.parse(good.replace("\"v\":1", "\"v\":2"))).isEmpty();
    assertThat(SealReport.parse(good.replace("0x00", "0x0"))).isEmpty();
    assertThat(SealReport.parse(good.replace("100", "-100"))).isEmpty();
    assertThat(SealReport.parse(good.replace("100", "0"))).isEmpty();
    assertThat(SealReport.parse("[" + good + "]")).isEmpty();
    assertThat(SealReport.parse(good + " ".repeat(SealReport.MAX_BYTES))).isEmpty();
  }
}
