package io.aifabric.operator.proof;

import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes node agents' hardware reports off the broker. Only a report on the node's own topic, signed
 * by its registered key, is kept (for the probe to judge); everything else is counted by reason in
 * {@code aifabric_hardware_reports_total{result=...}} and dropped.
 */
// A singleton, not a proxied bean: nothing injects it, and its base class has no no-args
// constructor.
@Singleton
public class HardwareReceiver extends NodeMessageReceiver<HardwareReport> {
  /** The result counted for a message taken. */
  private static final String ACCEPTED = "accepted";

  private static final Logger LOG = Logger.getLogger(HardwareReceiver.class);

  private final HardwareReports reports;

  public HardwareReceiver(NodeKeys keys, HardwareReports reports, MeterRegistry registry) {
    super(keys, registry, "aifabric_hardware_reports_total", ACCEPTED);
    this.reports = reports;
  }

  @Incoming("hardware")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    return receive(message);
  }

  @Override
  Claim<HardwareReport> decode(byte[] payload) throws MalformedMessageException {
    HardwareReport.Signed signed = HardwareReportCodec.decode(payload);
    HardwareReport report = signed.report();
    return new Claim<>(
        report, report.node(), Topics.hardware(report.node()), report.digest(), signed.signature());
  }

  @Override
  String accept(String computeNode, HardwareReport report) {
    reports.received(computeNode, report);
    LOG.debugf(
        "hardware report of %s: %d GPUs (%s)", computeNode, report.gpus().size(), report.method());
    return ACCEPTED;
  }
}
