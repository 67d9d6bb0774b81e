package io.aifabric.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real discovery path (run nvidia-smi, read its three outputs) against recorded outputs played
 * back by a stand-in executable.
 */
class NvidiaSmiTest {
  @TempDir Path tmp;

  NvidiaSmi recorded(String machine) throws IOException, URISyntaxException {
    Path dir = Path.of(getClass().getResource("/nvidia-smi/README.md").toURI()).getParent();
    Path script = tmp.resolve("nvidia-smi");
    Files.writeString(
        script,
        String.join(
            "\n",
            "#!/bin/sh",
            "D='" + dir + "'; M='" + machine + "'",
            "case \"$1\" in",
            "  --query-gpu=*) cat \"$D/$M.csv\"; [ -f \"$D/$M.exit\" ] && exit $(cat \"$D/$M.exit\"); exit 0;;",
            "  -L) cat \"$D/$M.list.txt\";;",
            "  *) cat \"$D/$M.banner.txt\";;",
            "esac",
            ""));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new NvidiaSmi(script.toString());
  }

  @Test
  void eightH100s() throws Exception {
    DiscoveredGpus inv = recorded("h100x8").discover();
    assertThat(inv.gpus()).hasSize(8);
    assertThat(inv.driverVersion()).isEqualTo("550.54.15");
    assertThat(inv.cudaVersion()).isEqualTo("12.4");
    GpuDevice first = inv.gpus().get(0);
    assertThat(first.product()).isEqualTo("NVIDIA-H100-80GB-HBM3");
    assertThat(first.memoryTotalMiB()).isEqualTo(81559);
    assertThat(first.uuid()).isEqualTo("GPU-1b9ea7bc-6ae2-3f5e-0b46-c1b8a5e3f0d1");
    assertThat(first.utilizationPercent()).isEqualTo(87);
    assertThat(inv.gpus()).extracting(GpuDevice::uuid).doesNotHaveDuplicates();
  }

  @Test
  void fourA100s() throws Exception {
    DiscoveredGpus inv = recorded("a100-40gb").discover();
    assertThat(inv.gpus()).hasSize(4).allMatch(g -> g.product().equals("NVIDIA-A100-SXM4-40GB"));
    assertThat(inv.gpus().get(2).memoryUsedMiB()).isEqualTo(38912);
    assertThat(inv.cudaVersion()).isEqualTo("12.2");
  }

  @Test
  void geforceCardsHaveNoMigMode() throws Exception {
    DiscoveredGpus inv = recorded("rtx4090").discover();
    assertThat(inv.gpus()).hasSize(4).noneMatch(GpuDevice::migEnabled);
    assertThat(inv.gpus().get(0).product()).isEqualTo("NVIDIA-GeForce-RTX-4090");
    assertThat(inv.gpus().get(0).memoryTotalMiB()).isEqualTo(24564);
  }

  @Test
  void migInstancesAreListedUnderTheirGpu() throws Exception {
    DiscoveredGpus inv = recorded("a100-80gb-mig").discover();
    GpuDevice mig = inv.gpus().get(0);
    assertThat(mig.migEnabled()).isTrue();
    assertThat(mig.utilizationPercent()).as("[N/A] under MIG").isNull();
    assertThat(mig.migDevices())
        .extracting(GpuDevice.MigDevice::profile)
        .containsExactly("3g.40gb", "2g.20gb", "1g.10gb");
    assertThat(mig.migDevices().get(0).uuid()).startsWith("MIG-");
    assertThat(inv.gpus().get(1).migDevices()).isEmpty();
    assertThat(inv.telemetry()).startsWith("GPU-e1f2a3b4-c5d6-e7f8-0912-345678abcdef,,35,13;");
  }

  @Test
  void aMachineWithoutGpusHasAnEmptyInventory() throws Exception {
    assertThat(recorded("no-gpu").discover().gpus()).isEmpty();
  }

  @Test
  void aFailingDriverIsAnErrorThatSaysSo() {
    assertThatThrownBy(() -> recorded("driver-failure").discover())
        .isInstanceOf(GpuDiscoveryException.class)
        .hasMessageStartingWith("the NVIDIA driver does not answer: NVIDIA-SMI has failed");
  }

  @Test
  void aMissingExecutableIsAnError() {
    assertThatThrownBy(() -> new NvidiaSmi(tmp.resolve("absent").toString()).discover())
        .isInstanceOf(GpuDiscoveryException.class)
        .hasMessageContaining("cannot run");
  }

  @Test
  void aTruncatedLineIsRefused() {
    assertThatThrownBy(() -> NvidiaSmiParser.parseQuery("0, GPU-x, NVIDIA H100 80GB HBM3, 81559"))
        .isInstanceOf(GpuDiscoveryException.class)
        .hasMessageContaining("has 4 fields, expected 9");
  }

  @Test
  void declaredInventoriesAreStableAndUniquePerNode() {
    var a =
        new DeclaredInventory(
            "gpu-h100-00", "NVIDIA H100 80GB HBM3", 8, 81559, "550.54.15", "12.4");
    var b =
        new DeclaredInventory(
            "gpu-h100-01", "NVIDIA H100 80GB HBM3", 8, 81559, "550.54.15", "12.4");
    assertThat(a.discover()).isEqualTo(a.discover());
    assertThat(a.discover().gpus())
        .extracting(GpuDevice::uuid)
        .doesNotContainAnyElementsOf(b.discover().gpus().stream().map(GpuDevice::uuid).toList());
    assertThat(a.discover().gpus().get(0).product()).isEqualTo("NVIDIA-H100-80GB-HBM3");
  }
}
