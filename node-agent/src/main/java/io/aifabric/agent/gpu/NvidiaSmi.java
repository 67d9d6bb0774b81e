package io.aifabric.agent.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Reads the node's real GPUs by running nvidia-smi (on a GPU node; tests use recorded output). */
public final class NvidiaSmi implements GpuDiscovery {
  public static final String QUERY =
      "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,"
          + "driver_version,mig.mode.current";

  private final String executable;

  public NvidiaSmi(String executable) {
    this.executable = executable;
  }

  @Override
  public GpuInventory discover() throws GpuDiscoveryException {
    Output query = run(QUERY, "--format=csv,noheader,nounits");
    if (query.exitCode() != 0) {
      if (NvidiaSmiParser.noDevices(query.exitCode(), query.text())) {
        return GpuInventory.none();
      }
    }
    List<GpuDevice> gpus = NvidiaSmiParser.parseQuery(query.text());
    if (gpus.stream().anyMatch(GpuDevice::migEnabled)) {
      Map<String, List<GpuDevice.MigDevice>> mig =
          NvidiaSmiParser.parseMigListing(run("-L").text());
      List<GpuDevice> withMig = new ArrayList<>();
      for (GpuDevice g : gpus) {
        withMig.add(g.withMigDevices(mig.getOrDefault(g.uuid(), List.of())));
      }
      gpus = withMig;
    }
    String cuda = NvidiaSmiParser.cudaVersion(run().text());
    return new GpuInventory(NvidiaSmiParser.driverVersion(query.text()), cuda, gpus);
  }

  private record Output(int exitCode, String text) {}

  private Output run(String... args) throws GpuDiscoveryException {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new GpuDiscoveryException("nvidia-smi did not finish within 30 s");
      }
      return new Output(p.exitValue(), text);
    } catch (IOException e) {
      throw new GpuDiscoveryException("cannot run " + executable + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GpuDiscoveryException("interrupted while running nvidia-smi");
    }
  }
}
