package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.SlashingEvent;
import io.aifabric.api.v1alpha1.computenode.Verification;
import io.aifabric.operator.proof.GpuUuidRegistry;
import io.aifabric.operator.proof.HardwareReports;
import io.aifabric.protocol.HardwareJudge;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.Hex;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * A registered node's hardware verdict in its ComputeNode: {@code Verified} from its latest signed
 * hardware report judged against its listing and the other nodes' GPU UUIDs, {@code
 * status.verification}, and a slashing case per finding.
 */
@ApplicationScoped
public class NodeVerificationStatus {
  private static final Logger LOG = Logger.getLogger(NodeVerificationStatus.class);

  private final Conditions conditions;
  private final HardwareReports hardware;
  private final GpuUuidRegistry gpuUuids;

  public NodeVerificationStatus(
      Conditions conditions, HardwareReports hardware, GpuUuidRegistry gpuUuids) {
    this.conditions = conditions;
    this.hardware = hardware;
    this.gpuUuids = gpuUuids;
  }

  /**
   * Judges the node agent's latest signed hardware report against the node's listing and every
   * other node's GPU UUIDs: Verified=True when it measured what is listed; otherwise Verified=False
   * with the first reason, and a slashing case per finding, with the digest of the node's own
   * signed report as evidence.
   */
  public void apply(GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
    String name = cn.getMetadata().getName();
    if (status.getIdentity() == null) {
      return;
    }
    Optional<HardwareReport> latest = hardware.latest(name);
    if (latest.isEmpty()) {
      return;
    }
    HardwareReport report = latest.get();
    List<HardwareJudge.Finding> findings =
        new ArrayList<>(
            HardwareJudge.judge(report, node.product(), node.memoryMiB(), node.capacity()));
    Set<String> sharing =
        gpuUuids.claim(name, report.gpus().stream().map(HardwareReport.Gpu::uuid).toList());
    if (!sharing.isEmpty()) {
      findings.add(
          new HardwareJudge.Finding(
              "DuplicateGpuUuid", "GPU UUIDs also reported by " + String.join(", ", sharing)));
    }
    Verification verification = new Verification();
    verification.setMethod(report.method());
    verification.setVerifiedAt(Instant.ofEpochMilli(report.measuredAtMillis()).toString());
    report.gpus().stream()
        .mapToInt(HardwareReport.Gpu::measuredMiB)
        .min()
        .ifPresent(verification::setMeasuredVramMiB);
    report.gpus().stream()
        .mapToLong(HardwareReport.Gpu::benchmark)
        .min()
        .ifPresent(verification::setBenchmarkScore);
    status.setVerification(verification);
    Long generation = cn.getMetadata().getGeneration();
    if (findings.isEmpty()) {
      conditions.set(
          status.getConditions(),
          "Verified",
          Conditions.TRUE,
          "MeasuredAsListed",
          report.gpus().size() + " GPUs measured as listed (" + report.method() + ")",
          generation);
      return;
    }
    conditions.set(
        status.getConditions(),
        "Verified",
        Conditions.FALSE,
        findings.get(0).reason(),
        String.join("; ", findings.stream().map(HardwareJudge.Finding::message).toList()),
        generation);
    String evidence = "keccak256:" + Hex.encode(report.digest());
    for (HardwareJudge.Finding finding : findings) {
      boolean known =
          status.getSlashingEvents().stream()
              .anyMatch(
                  e -> finding.reason().equals(e.getReason()) && evidence.equals(e.getEvidence()));
      if (!known) {
        SlashingEvent event = new SlashingEvent();
        event.setReason(finding.reason());
        event.setMessage(finding.message());
        event.setTime(conditions.now().toString());
        event.setEvidence(evidence);
        status.getSlashingEvents().add(event);
        LOG.warnf(
            "ComputeNode %s: slashing case %s: %s", name, finding.reason(), finding.message());
      }
    }
  }
}
