package io.aifabric.operator.proof;

import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Takes node agents' hardware reports off the broker. Only a report on the node's own topic, signed
 * by its registered key, is kept (for the probe to judge); everything else is counted by reason in
 * {@code aifabric_hardware_reports_total{result=...}} and dropped.
 */
@ApplicationScoped
public class HardwareReceiver {
  private static final Logger LOG = Logger.getLogger(HardwareReceiver.class);

  private final NodeKeys keys;
  private final HardwareReports reports;
  private final MeterRegistry registry;
  private final AwaitingKey awaitingKey = new AwaitingKey(10_000, 64);

  public HardwareReceiver(NodeKeys keys, HardwareReports reports, MeterRegistry registry) {
    this.keys = keys;
    this.reports = reports;
    this.registry = registry;
    keys.onRegistered(this::retryHeld);
  }

  /** A node just registered: what it sent before is judged now. */
  void retryHeld(io.aifabric.protocol.EthAddress node) {
    for (AwaitingKey.Held held : awaitingKey.release(node)) {
      count(judge(held.topic(), held.payload()));
    }
  }

  @Incoming("hardware")
  public CompletionStage<Void> receive(Message<byte[]> message) {
    String topic =
        message
            .getMetadata(ReceivingMqttMessageMetadata.class)
            .map(ReceivingMqttMessageMetadata::getTopic)
            .orElse(null);
    count(judge(topic, message.getPayload()));
    return message.ack();
  }

  String judge(String topic, byte[] payload) {
    HardwareReport.Signed signed;
    try {
      signed = HardwareReportCodec.decode(payload);
    } catch (MalformedMessageException e) {
      return "malformed";
    }
    HardwareReport report = signed.report();
    if (topic != null && !topic.equals(Topics.hardware(report.node()))) {
      return "wrong_topic";
    }
    NodePublicKey key = keys.keyOf(report.node());
    var computeNode = keys.computeNodeOf(report.node());
    if (key == null || computeNode.isEmpty()) {
      awaitingKey.hold(signed.report().node(), topic, payload);
      return "unknown_node";
    }
    if (!key.verifies(report.digest(), signed.signature())) {
      return "bad_signature";
    }
    reports.received(computeNode.get(), report);
    LOG.debugf(
        "hardware report of %s: %d GPUs (%s)",
        computeNode.get(), report.gpus().size(), report.method());
    return "accepted";
  }

  private void count(String result) {
    registry.counter("aifabric_hardware_reports_total", "result", result).increment();
  }
}
