package io.aifabric.cli;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.InputGrant;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "grant",
    mixinStandardHelpOptions = true,
    description = {
      "Let the nodes a job is placed on open the sealed inputs of the volumes it mounts: each",
      "input's key is recovered with your key and sealed again to each placed node's registered",
      "X25519 key, bound to this job, that node and the input's content address, and written to",
      "the job's spec.inputGrants. Only keys move; the data stays sealed. The job is dispatched",
      "once every placed node has its grants. Waits for the job's placement."
    })
final class GrantCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(paramLabel = "JOB", description = "The AIJob's name.")
  String name;

  @Option(
      names = {"-k", "--key"},
      description = "Your key file: the volumes' encryptionKey (default: ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.home}/.aifabric/key")
  Path key;

  @Option(
      names = "--network",
      description =
          "The network's id, which inputs and grants are bound to (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:AIFABRIC_NETWORK:-aifabric}")
  String network;

  @Option(
      names = "--wait",
      description = "How long to wait for the job to be placed (default: ${DEFAULT-VALUE}).",
      defaultValue = "5m",
      converter = DurationConverter.class)
  Duration wait;

  @Option(
      names = "--store-credentials",
      description = "Read inputs with the AWS SDK's default credentials instead of anonymously.")
  boolean storeCredentials;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    X25519KeyPair pair = X25519KeyPair.read(key);
    try (KubernetesClient client = host.connect();
        S3ObjectReader store = new S3ObjectReader(storeCredentials)) {
      AIJob job = placed(client);
      InputGrants grants = new InputGrants(store, new SecureRandom());
      List<InputGrant> made = new ArrayList<>();
      for (VolumeMount mount : job.getSpec().getVolumes()) {
        StorageVolume volume = host.volume(client, mount.getStorageVolume());
        if (volume.getSpec().getInputs().isEmpty()) {
          continue;
        }
        if (!Arrays.equals(VolumeInputs.sealingKey(volume), pair.publicKey())) {
          throw new IllegalStateException(
              "the key in "
                  + key
                  + " is not StorageVolume "
                  + volume.getMetadata().getName()
                  + "'s encryptionKey ("
                  + volume.getSpec().getEncryptionKey()
                  + ")");
        }
        made.addAll(
            grants.grant(
                job,
                volume,
                pair,
                network,
                n -> client.resources(ComputeNode.class).withName(n).get()));
      }
      if (made.isEmpty()) {
        throw new IllegalStateException(
            "job " + name + " mounts no volume with sealed inputs: nothing to grant");
      }
      client
          .resources(AIJob.class)
          .inNamespace(job.getMetadata().getNamespace())
          .withName(name)
          .edit(
              j -> {
                j.getSpec().setInputGrants(InputGrants.merged(j.getSpec().getInputGrants(), made));
                return j;
              });
      stdout.printf(
          "granted %d keys of sealed inputs to %s for job %s%n",
          made.size(),
          String.join(", ", InputGrants.placedNodes(job.getStatus().getPlacement())),
          name);
    }
    return 0;
  }

  /** The job once it is placed on nodes, or a clear error when it is not within the wait. */
  private AIJob placed(KubernetesClient client) throws InterruptedException {
    Instant deadline = Instant.now().plus(wait);
    while (true) {
      AIJob job = host.job(client, name);
      var placement = job.getStatus() == null ? null : job.getStatus().getPlacement();
      if (placement != null
          && placement.getNodes() != null
          && !placement.getNodes().isEmpty()
          && placement.getNodes().stream().allMatch(n -> n != null)) {
        return job;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            "job " + name + " is not placed on nodes after " + wait + ": nothing to grant to yet");
      }
      Thread.sleep(1000);
    }
  }
}
