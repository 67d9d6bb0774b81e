package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.escrow.audit.HostView;
import io.aifabric.escrow.bridge.RegistryChain;
import io.aifabric.escrow.oracle.HardwareReportBook;
import io.aifabric.protocol.HardwareJudge;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.SlashEvidence;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.web3j.utils.Numeric;

/**
 * An oracle's own judgement of a slash, finding by finding, on what it holds itself: the node's
 * hardware report it received from the broker, signed by the node (not the operator's verdict, not
 * a report someone copied into the Slash); the node's listing on the host; the node's provider on
 * chain; and the amount it was configured with. It signs only when the finding the slash names is
 * one it finds itself in exactly that report.
 */
@ApplicationScoped
public class SlashJudge {
  private final HardwareReportBook reports;
  private final HostView host;
  private final RegistryChain registry;

  public SlashJudge(HardwareReportBook reports, HostView host, RegistryChain registry) {
    this.reports = reports;
    this.host = host;
    this.registry = registry;
  }

  /**
   * @return why this oracle will not sign; empty when it finds the finding itself
   */
  public List<String> refusals(SlashSpec spec, BigInteger amount) throws Exception {
    List<String> refusals = new ArrayList<>();
    if (!amount.toString().equals(spec.getAmount())) {
      refusals.add(
          "the slash asks " + spec.getAmount() + " wei; this oracle signs for " + amount + " wei");
    }
    String node = spec.getNode().toLowerCase(Locale.ROOT);
    byte[] digest = Numeric.hexStringToByteArray(spec.getReport());
    Optional<HardwareReport> report = reports.report(node, digest);
    if (report.isEmpty()) {
      refusals.add(
          "this oracle has no hardware report "
              + spec.getReport()
              + " signed by node "
              + node
              + " (a report it did not receive from the node itself proves nothing)");
      return refusals;
    }
    if (!Numeric.toHexString(SlashEvidence.of(spec.getReason(), digest))
        .equals(spec.getEvidence())) {
      refusals.add(
          "the evidence is not the digest of a " + spec.getReason() + " finding on that report");
    }
    Optional<String> provider = registry.providerOf(node);
    if (provider.isEmpty() || !provider.get().equalsIgnoreCase(spec.getProvider())) {
      refusals.add(
          "node "
              + node
              + " is registered to "
              + provider.orElse("no provider")
              + ", not "
              + spec.getProvider());
    }
    Optional<String> finding = finding(spec, node, report.get());
    finding.ifPresent(refusals::add);
    return refusals;
  }

  /** Why the report does not show the finding the slash names, or empty when it does. */
  private Optional<String> finding(SlashSpec spec, String node, HardwareReport report) {
    ComputeNode listed = host.computeNode(spec.getComputeNode());
    if (listed == null
        || listed.getStatus() == null
        || listed.getStatus().getIdentity() == null
        || !node.equalsIgnoreCase(listed.getStatus().getIdentity().getAddress())) {
      return Optional.of("ComputeNode " + spec.getComputeNode() + " is not node " + node);
    }
    GpuInventory gpu = listed.getStatus().getGpu();
    if (gpu == null || gpu.getProduct() == null) {
      return Optional.of("ComputeNode " + spec.getComputeNode() + " lists no GPUs to compare with");
    }
    List<HardwareJudge.Finding> findings =
        new ArrayList<>(
            HardwareJudge.judge(
                report,
                gpu.getProduct(),
                gpu.getMemoryMiB() == null ? 0 : gpu.getMemoryMiB(),
                gpu.getCount() == null ? 0 : gpu.getCount()));
    Set<String> sharing =
        reports.nodesSharing(node, report.gpus().stream().map(HardwareReport.Gpu::uuid).toList());
    if (!sharing.isEmpty()) {
      findings.add(
          new HardwareJudge.Finding(
              "DuplicateGpuUuid", "GPU UUIDs also reported by " + String.join(", ", sharing)));
    }
    if (findings.stream().anyMatch(f -> f.reason().equals(spec.getReason()))) {
      return Optional.empty();
    }
    return Optional.of(
        "this oracle finds no "
            + spec.getReason()
            + " in that report"
            + (findings.isEmpty()
                ? ": it measured as listed"
                : "; it finds "
                    + String.join(
                        ", ", findings.stream().map(HardwareJudge.Finding::reason).toList())));
  }
}
