package io.aifabric.cli;

import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.SealedSummary;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "seal",
    mixinStandardHelpOptions = true,
    description = {
      "Seal a directory as an input of a StorageVolume: a tar stream sealed to the volume's",
      "encryptionKey and bound to the volume and the input's name, so it opens as no other",
      "volume's or input's. Only the key's holder, and the nodes it grants, can open it.",
      "Then 'aifabric upload' stores it and records it on the volume."
    })
final class SealCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(index = "0", paramLabel = "VOLUME", description = "The StorageVolume's name.")
  String volumeName;

  @Parameters(index = "1", paramLabel = "INPUT", description = "The input's name (a DNS label).")
  String input;

  @Parameters(index = "2", paramLabel = "DIR", description = "The directory to seal.")
  Path source;

  @Option(
      names = {"-o", "--out"},
      description = "The sealed file to write (default: ./<input>.aifs); never overwritten.")
  Path out;

  @Option(
      names = "--network",
      description = "The network's id, which the input is bound to (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:AIFABRIC_NETWORK:-aifabric}")
  String network;

  @Option(names = "--progress", description = "Show progress even when stderr is not a terminal.")
  boolean progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    try (KubernetesClient client = host.connect()) {
      StorageVolume volume = host.volume(client, volumeName);
      Path target = out != null ? out : Path.of(input + ".aifs");
      SealedSummary sealed =
          VolumeInputs.seal(
              source,
              VolumeInputs.sealingKey(volume),
              VolumeInputs.binding(network, volume, input),
              target,
              progress
                  ? new Progress(spec.commandLine().getErr(), true)
                  : Progress.forTerminal(spec.commandLine().getErr()));
      stdout.printf(
          "sealed %s (%d bytes) into %s: %d bytes, content address %s%n",
          source,
          sealed.plainBytes(),
          target,
          sealed.sealedBytes(),
          Hex.encode(sealed.contentAddress()));
    }
    return 0;
  }
}
