package io.aifabric.cli;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "fetch",
    mixinStandardHelpOptions = true,
    description = {
      "Download a finished job's sealed outputs from its member's object store and open them",
      "with your key, into <out>/replica-<N>. Each replica's receipt is checked against the",
      "signature of the node that ran it, the download against the content address the node",
      "signed for, and every chunk against your key: a wrong key, a tampered or cut download",
      "or another job's output leaves nothing behind."
    })
final class FetchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(paramLabel = "JOB", description = "The AIJob's name.")
  String name;

  @Option(
      names = {"-k", "--key"},
      description = "Your key file, from 'aifabric keygen' (default: ${DEFAULT-VALUE}).",
      defaultValue = "${sys:user.home}/.aifabric/key")
  Path key;

  @Option(
      names = {"-r", "--replica"},
      description = "Fetch this replica only (default: every replica).")
  Integer replica;

  @Option(
      names = {"-o", "--out"},
      description = "Where to put the outputs (default: ./<job>-outputs).")
  Path out;

  @Option(
      names = "--network",
      description =
          "The network's id, which every sealed output is bound to (default: ${DEFAULT-VALUE}).",
      defaultValue = "${env:AIFABRIC_NETWORK:-aifabric}")
  String network;

  @Option(
      names = "--store-credentials",
      description =
          "Read from stores with the AWS SDK's default credentials instead of anonymously.")
  boolean storeCredentials;

  @Option(names = "--progress", description = "Show progress even when stderr is not a terminal.")
  boolean progress;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    X25519KeyPair pair = X25519KeyPair.read(key);
    try (KubernetesClient client = host.connect();
        S3ObjectReader store = new S3ObjectReader(storeCredentials)) {
      AIJob job = host.job(client, name);
      List<ReplicaOutput> outputs = outputsOf(job, pair);
      Progress bar =
          progress
              ? new Progress(spec.commandLine().getErr(), true)
              : Progress.forTerminal(spec.commandLine().getErr());
      OutputFetcher fetcher = new OutputFetcher(store, bar);
      Path into = out != null ? out : Path.of(name + "-outputs");
      for (ReplicaOutput output : outputs) {
        WorkReceipt receipt = ReceiptCheck.verified(job, output, nodeKey(client, output));
        OutputFetcher.Fetched fetched =
            fetcher.fetch(
                job,
                output,
                receipt,
                network,
                pair,
                into.resolve("replica-" + output.getReplica()));
        stdout.printf(
            "replica %d: %d files, %d bytes, opened into %s (content address %s, signed by %s)%n",
            fetched.replica(),
            fetched.files(),
            fetched.plainBytes(),
            fetched.dir(),
            fetched.contentAddress(),
            output.getNode());
        stdout.flush();
      }
    }
    return 0;
  }

  /** The outputs to fetch, or why there are none yet. */
  private List<ReplicaOutput> outputsOf(AIJob job, X25519KeyPair pair) {
    String id = job.getMetadata().getNamespace() + "/" + job.getMetadata().getName();
    if (job.getSpec().getEncryption() == null) {
      throw new IllegalStateException(
          "job " + id + " does not seal its outputs (no spec.encryption): nothing to fetch");
    }
    if (!job.getSpec().getEncryption().getUserPublicKey().equals(pair.publicKeyBase64())) {
      throw new IllegalStateException(
          "the key in "
              + key
              + " ("
              + pair.publicKeyBase64()
              + ") is not the one job "
              + id
              + " seals to ("
              + job.getSpec().getEncryption().getUserPublicKey()
              + ")");
    }
    AIJobStatus status = job.getStatus();
    JobPhase phase = status == null ? null : status.getPhase();
    if (phase != JobPhase.Succeeded && phase != JobPhase.Failed && phase != JobPhase.Settled) {
      throw new IllegalStateException(
          "job "
              + id
              + " has not finished (phase "
              + phase
              + "): outputs are sealed as replicas end");
    }
    List<ReplicaOutput> outputs = status.getOutputs() == null ? List.of() : status.getOutputs();
    List<ReplicaOutput> wanted =
        outputs.stream().filter(o -> replica == null || o.getReplica().equals(replica)).toList();
    if (wanted.isEmpty()) {
      String why =
          Conditions.find(status.getConditions(), "OutputsSealed")
              .map(c -> c.getReason() + ": " + c.getMessage())
              .orElse("no OutputsSealed condition yet");
      throw new IllegalStateException(
          "job "
              + id
              + " has no sealed output"
              + (replica == null ? "" : " for replica " + replica)
              + " yet ("
              + why
              + ")");
    }
    return wanted;
  }

  private static NodePublicKey nodeKey(KubernetesClient client, ReplicaOutput output) {
    ComputeNode node = client.resources(ComputeNode.class).withName(output.getNode()).get();
    var identity = node == null || node.getStatus() == null ? null : node.getStatus().getIdentity();
    if (identity == null || identity.getPublicKey() == null) {
      throw new IllegalStateException(
          "ComputeNode "
              + output.getNode()
              + " has no registered key to check replica "
              + output.getReplica()
              + "'s receipt with");
    }
    return NodePublicKey.fromBytes(Hex.decode(identity.getPublicKey(), 64));
  }
}
