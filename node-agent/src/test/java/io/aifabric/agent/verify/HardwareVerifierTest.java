package io.aifabric.agent.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.agent.gpu.DeclaredInventory;
import io.aifabric.agent.gpu.DiscoveredGpus;
import io.aifabric.agent.gpu.GpuDevice;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import io.aifabric.protocol.NodeKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareVerifierTest {
  @TempDir Path tmp;
  final NodeKey key = NodeKey.generate(new SecureRandom());
  final DiscoveredGpus eightH100 =
      new DeclaredInventory("n", "NVIDIA H100 80GB HBM3", 8, 81559, "550", "12.4").discover();

  /** A fake device: one GPU of the eight has half its memory. */
  final GpuProbe faulty =
      new GpuProbe() {
        @Override
        public Measurement measure(GpuDevice gpu) {
          return new Measurement(gpu.index() == 3 ? 40960 : 81000, 950);
        }

        @Override
        public String method() {
          return "fake";
        }
      };

  @Test
  void reportsClaimedNextToMeasuredForEveryGpu() throws Exception {
    var report = new HardwareVerifier(faulty).verify(key.address(), eightH100, 42L);
    assertThat(report.gpus()).hasSize(8);
    assertThat(report.method()).isEqualTo("fake");
    assertThat(report.gpus().get(3).claimedMiB()).isEqualTo(81559);
    assertThat(report.gpus().get(3).measuredMiB()).isEqualTo(40960);
    assertThat(report.gpus().get(0).product()).isEqualTo("NVIDIA-H100-80GB-HBM3");
    assertThat(report.gpus()).extracting(g -> g.uuid()).doesNotHaveDuplicates();
    assertThat(key.publicKey().verifies(report.digest(), report.sign(key).signature())).isTrue();
  }

  @Test
  void theSimulatedProbeCanPlayAShortNode() throws Exception {
    var honest = new SimulatedProbe(OptionalInt.empty(), 1000).measure(eightH100.gpus().get(0));
    assertThat(honest.allocatableMiB()).isEqualTo(81559 - SimulatedProbe.CONTEXT_RESERVED_MIB);
    var shortNode =
        new SimulatedProbe(OptionalInt.of(40960), 1000).measure(eightH100.gpus().get(0));
    assertThat(shortNode.allocatableMiB()).isEqualTo(40960);
  }

  @Test
  void theCudaProbeReadsTheProbesOutputAndItsFailures() throws Exception {
    GpuDevice gpu = eightH100.gpus().get(0);
    assertThat(probe("echo 'allocatable_mib=80868 gemm_gflops=612000'").measure(gpu))
        .isEqualTo(new GpuProbe.Measurement(80868, 612000));
    assertThatThrownBy(
            () -> probe("echo 'cudaErrorNoDevice: no CUDA-capable device'; exit 2").measure(gpu))
        .isInstanceOf(GpuDiscoveryException.class)
        .hasMessageContaining("exit 2")
        .hasMessageContaining("no CUDA-capable device");
  }

  @Test
  void aProbeThatHangsIsStoppedAtItsTimeLimit() throws Exception {
    // Prints, then hangs, and leaves a child holding the output open: reading the output to its
    // end before waiting would block until the child is gone, past any limit.
    Path script = script("echo started; sleep 600 & sleep 600");
    CudaProbe probe = new CudaProbe(script.toString(), Duration.ofSeconds(1));
    assertThatThrownBy(() -> probe.measure(eightH100.gpus().get(0)))
        .isInstanceOf(GpuDiscoveryException.class)
        .hasMessageContaining("did not finish within 1 s");
    assertThat(ProcessHandle.allProcesses())
        .noneMatch(p -> p.info().commandLine().orElse("").contains(script.toString()));
  }

  private CudaProbe probe(String body) throws Exception {
    return new CudaProbe(script(body).toString());
  }

  private Path script(String body) throws Exception {
    Path script = tmp.resolve("probe-" + Math.abs(body.hashCode()));
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }
}
