package io.aifabric.cli;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.ReplicaOutput;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show an AIJob as the network sees it: phase, placement, cost, receipts, sealed outputs"
            + " and settlement, with each condition's reason.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin HostOptions host = new HostOptions();

  @Parameters(paramLabel = "JOB", description = "The AIJob's name.")
  String name;

  @Override
  public Integer call() throws Exception {
    try (KubernetesClient client = host.connect()) {
      print(host.job(client, name), spec.commandLine().getOut());
    }
    return 0;
  }

  static void print(AIJob job, PrintWriter out) {
    AIJobStatus s = job.getStatus() == null ? new AIJobStatus() : job.getStatus();
    out.printf(
        "%s/%s  phase %s%n",
        job.getMetadata().getNamespace(), job.getMetadata().getName(), s.getPhase());
    if (s.getPlacement() != null) {
      out.printf(
          "  placed on %s, %s at %s per GPU-hour, nodes %s%n",
          s.getPlacement().getCluster(),
          s.getPlacement().getGpuModel(),
          s.getPlacement().getPricePerGpuHour(),
          s.getPlacement().getNodes());
    }
    if (s.getGpuSeconds() != null) {
      out.printf("  ran %d GPU-seconds, cost %s%n", s.getGpuSeconds(), s.getCost());
    }
    if (s.getReceiptCount() != null) {
      out.printf("  receipts: %d signed by the nodes that ran the replicas%n", s.getReceiptCount());
    }
    if (s.getOutputs() != null) {
      for (ReplicaOutput o : s.getOutputs()) {
        out.printf(
            "  output of replica %d: %d bytes sealed, content address %s (signed by %s)%n",
            o.getReplica(), o.getSealedBytes(), o.getContentAddress(), o.getNodeAddress());
      }
    }
    if (s.getSettlement() != null) {
      out.printf(
          "  settled in batch %s, transaction %s, block %d%n",
          s.getSettlement().getBatch(),
          s.getSettlement().getTxHash(),
          s.getSettlement().getBlockNumber());
    }
    for (Condition c : s.getConditions()) {
      out.printf(
          "  %-15s %-5s %-22s %s%n",
          c.getType(),
          Conditions.TRUE.equals(c.getStatus()) ? "yes" : "no",
          c.getReason(),
          c.getMessage() == null ? "" : c.getMessage());
    }
    out.flush();
  }
}
