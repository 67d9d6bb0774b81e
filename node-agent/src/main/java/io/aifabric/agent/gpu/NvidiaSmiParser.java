package io.aifabric.agent.gpu;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads nvidia-smi's outputs: the CSV of {@link NvidiaSmi#QUERY}, the banner (the only place with
 * the CUDA version), and {@code nvidia-smi -L} (MIG instances). Pure functions over text, tested on
 * recorded outputs; {@link NvidiaSmi} runs the commands.
 */
public final class NvidiaSmiParser {
  private static final Pattern CUDA = Pattern.compile("CUDA Version:\\s*([0-9][0-9.]*)");
  private static final Pattern GPU_LINE = Pattern.compile("^GPU (\\d+): .*\\(UUID: (GPU-[^)]+)\\)");
  private static final Pattern MIG_LINE =
      Pattern.compile("^\\s+MIG (\\S+)\\s+Device\\s+(\\d+): \\(UUID: (MIG-[^)]+)\\)");
  private static final int FIELDS = 9;

  private NvidiaSmiParser() {}

  /**
   * @throws GpuDiscoveryException when a line does not have the queried fields
   */
  public static List<GpuDevice> parseQuery(String csv) throws GpuDiscoveryException {
    List<GpuDevice> gpus = new ArrayList<>();
    int lineNo = 0;
    for (String line : csv.split("\\R")) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != FIELDS) {
        throw new GpuDiscoveryException(
            "nvidia-smi line "
                + lineNo
                + " has "
                + f.length
                + " fields, expected "
                + FIELDS
                + ": "
                + line);
      }
      for (int i = 0; i < f.length; i++) {
        f[i] = f[i].trim();
      }
      try {
        gpus.add(
            new GpuDevice(
                Integer.parseInt(f[0]),
                f[1],
                f[2],
                Integer.parseInt(f[3]),
                number(f[4]),
                number(f[5]),
                number(f[6]),
                "Enabled".equals(f[8]),
                List.of()));
      } catch (NumberFormatException e) {
        throw new GpuDiscoveryException("nvidia-smi line " + lineNo + " is not readable: " + line);
      }
    }
    return gpus;
  }

  /** The driver version all GPUs report (the CSV's eighth field), or null without GPUs. */
  public static String driverVersion(String csv) {
    for (String line : csv.split("\\R")) {
      String[] f = line.split(",", -1);
      if (f.length == FIELDS) {
        return f[7].trim();
      }
    }
    return null;
  }

  public static String cudaVersion(String banner) {
    Matcher m = CUDA.matcher(banner);
    return m.find() ? m.group(1) : null;
  }

  /** MIG instances by the UUID of the GPU they are carved from. */
  public static Map<String, List<GpuDevice.MigDevice>> parseMigListing(String listing) {
    Map<String, List<GpuDevice.MigDevice>> byGpu = new HashMap<>();
    String current = null;
    for (String line : listing.split("\\R")) {
      Matcher gpu = GPU_LINE.matcher(line);
      if (gpu.find()) {
        current = gpu.group(2);
        byGpu.put(current, new ArrayList<>());
        continue;
      }
      Matcher mig = MIG_LINE.matcher(line);
      if (mig.find() && current != null) {
        byGpu
            .get(current)
            .add(
                new GpuDevice.MigDevice(
                    mig.group(1), Integer.parseInt(mig.group(2)), mig.group(3)));
      }
    }
    return byGpu;
  }

  /**
   * What a non-zero exit of nvidia-smi means: no GPU is an empty inventory, anything else (a driver
   * that does not answer, most often) an error worth reporting.
   *
   * @return true when the machine simply has no GPU
   * @throws GpuDiscoveryException for every other failure, with nvidia-smi's own words
   */
  public static boolean noDevices(int exitCode, String output) throws GpuDiscoveryException {
    if (exitCode == 6 || output.contains("No devices were found")) {
      return true;
    }
    String said = output.strip().lines().findFirst().orElse("(no output)");
    if (exitCode == 9 || said.contains("couldn't communicate with the NVIDIA driver")) {
      throw new GpuDiscoveryException("the NVIDIA driver does not answer: " + said);
    }
    throw new GpuDiscoveryException("nvidia-smi failed with exit code " + exitCode + ": " + said);
  }

  private static Integer number(String field) {
    return field.startsWith("[") ? null : Integer.valueOf(field);
  }
}
