package io.aifabric.console.view;

import io.quarkus.qute.TemplateData;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The network page's figures, computed from the views in one pass. */
@TemplateData
public record NetworkSummary(
    List<ModelGpus> gpusByModel,
    int membersReady,
    int members,
    int nodes,
    Map<String, Integer> jobsByPhase,
    int jobs,
    String gpuHoursServed,
    String settledValue,
    int settledJobs,
    List<BatchView> lastBatches) {

  static final int LAST_BATCHES = 10;

  public static NetworkSummary of(
      Collection<MemberView> members,
      Collection<NodeView> nodes,
      Collection<JobView> jobs,
      Collection<BatchView> batches,
      Map<String, Integer> inUseByModel) {
    Map<String, int[]> byModel = new TreeMap<>();
    for (NodeView node : nodes) {
      if (node.product() == null) {
        continue;
      }
      int[] counts = byModel.computeIfAbsent(node.product(), m -> new int[3]);
      counts[0] += node.gpus();
      if (node.verified()) {
        counts[1] += node.gpus();
      }
      if (node.verified() && node.available()) {
        counts[2] += node.gpus();
      }
    }
    List<ModelGpus> gpus =
        byModel.entrySet().stream()
            .map(
                e ->
                    new ModelGpus(
                        e.getKey(),
                        e.getValue()[0],
                        e.getValue()[1],
                        e.getValue()[2],
                        inUseByModel.getOrDefault(e.getKey(), 0)))
            .toList();
    Map<String, Integer> phases = new TreeMap<>();
    long gpuSeconds = 0;
    BigDecimal settled = BigDecimal.ZERO;
    int settledJobs = 0;
    for (JobView job : jobs) {
      phases.merge(job.phase(), 1, Integer::sum);
      gpuSeconds += job.gpuSeconds();
      if (job.settled() && job.cost() != null) {
        settled = settled.add(new BigDecimal(job.cost()));
        settledJobs++;
      }
    }
    return new NetworkSummary(
        gpus,
        (int) members.stream().filter(MemberView::ready).count(),
        members.size(),
        nodes.size(),
        phases,
        jobs.size(),
        BigDecimal.valueOf(gpuSeconds)
            .divide(BigDecimal.valueOf(3600), 2, java.math.RoundingMode.HALF_UP)
            .toPlainString(),
        settled.stripTrailingZeros().toPlainString(),
        settledJobs,
        batches.stream()
            .sorted(
                Comparator.comparing(
                        BatchView::created,
                        Comparator.nullsFirst(Comparator.<String>naturalOrder()))
                    .reversed())
            .limit(LAST_BATCHES)
            .toList());
  }
}
