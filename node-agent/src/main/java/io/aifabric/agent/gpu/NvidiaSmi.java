package io.aifabric.agent.gpu;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads the node's real GPUs by running nvidia-smi (on a GPU node; tests use recorded output). */
public final class NvidiaSmi implements GpuDiscovery {
  public static final String QUERY =
      "--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu,temperature.gpu,"
          + "driver_version,mig.mode.current";

  private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(30);

  private final String executable;
  private final Duration limit;

  public NvidiaSmi(String executable) {
    this(executable, DEFAULT_LIMIT);
  }

  /** With a time limit per nvidia-smi call. */
  public NvidiaSmi(String executable, Duration limit) {
    this.executable = executable;
    this.limit = limit;
  }

  @Override
  public DiscoveredGpus discover() throws GpuDiscoveryException {
    BoundedCommand.Result query = run(QUERY, "--format=csv,noheader,nounits");
    if (query.exitCode() != 0) {
      if (NvidiaSmiParser.noDevices(query.exitCode(), query.output())) {
        return DiscoveredGpus.none();
      }
    }
    List<GpuDevice> gpus = NvidiaSmiParser.parseQuery(query.output());
    if (gpus.stream().anyMatch(GpuDevice::migEnabled)) {
      Map<String, List<GpuDevice.MigDevice>> mig =
          NvidiaSmiParser.parseMigListing(run("-L").output());
      List<GpuDevice> withMig = new ArrayList<>();
      for (GpuDevice g : gpus) {
        withMig.add(g.withMigDevices(mig.getOrDefault(g.uuid(), List.of())));
      }
      gpus = withMig;
    }
    String cuda = NvidiaSmiParser.cudaVersion(run().output());
    return new DiscoveredGpus(NvidiaSmiParser.driverVersion(query.output()), cuda, gpus);
  }

  private BoundedCommand.Result run(String... args) throws GpuDiscoveryException {
    List<String> command = new ArrayList<>();
    command.add(executable);
    command.addAll(List.of(args));
    return BoundedCommand.run(command, limit, "nvidia-smi");
  }
}
