package io.aifabric.escrow.oracle;

import io.aifabric.escrow.bridge.BrokerMessages;
import io.aifabric.escrow.bridge.SignerRecovery;
import io.aifabric.protocol.BoundedHandoff;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The hardware reports this oracle took off the broker itself, each signed by the node it is about
 * (the signature recovers to the address in the report, and it arrived on that node's topic): what
 * the oracle judges a slash on, never the operator's verdict. A few recent reports per node (a
 * slash names the report it rests on, which may not be the latest), and a bounded number of nodes,
 * the least recently heard dropped first.
 */
@ApplicationScoped
public class HardwareReportBook {
  static final int REPORTS_PER_NODE = 4;
  static final int MAX_NODES = 100_000;

  private final Map<String, Deque<HardwareReport>> byNode =
      new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<HardwareReport>> eldest) {
          return size() > MAX_NODES;
        }
      };

  private final MeterRegistry registry;

  /** Null in tests that call take() directly. */
  private final BoundedHandoff handoff;

  @Inject
  public HardwareReportBook(MeterRegistry registry) {
    this(registry, true);
  }

  HardwareReportBook(MeterRegistry registry, boolean handOff) {
    this.registry = registry;
    this.handoff =
        handOff
            ? new BoundedHandoff(
                "hardware-reports", 8L << 20, (topic, payload) -> count(take(topic, payload)))
            : null;
  }

  @Incoming("hardware")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    return BrokerMessages.handOff(handoff, message, this::count);
  }

  /**
   * Judges one message.
   *
   * @return the result counted in {@code aifabric_bridge_hardware_reports_total{result}}
   */
  String take(String topic, byte[] payload) {
    if (payload.length == 0) {
      return "cleared";
    }
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
    String signer =
        SignerRecovery.signer(report.digest(), signed.signature().toBytes()).orElse(null);
    if (!report.node().toString().equals(signer)) {
      return "bad_signature";
    }
    synchronized (this) {
      Deque<HardwareReport> reports =
          byNode.computeIfAbsent(report.node().toString(), n -> new ArrayDeque<>());
      if (reports.stream().anyMatch(r -> Arrays.equals(r.digest(), report.digest()))) {
        return "duplicate";
      }
      reports.addLast(report);
      while (reports.size() > REPORTS_PER_NODE) {
        reports.removeFirst();
      }
    }
    return "kept";
  }

  /** The node's report with this digest, if this oracle received it, correctly signed. */
  public synchronized Optional<HardwareReport> report(String node, byte[] digest) {
    Deque<HardwareReport> reports = byNode.get(node.toLowerCase(java.util.Locale.ROOT));
    if (reports == null) {
      return Optional.empty();
    }
    return reports.stream().filter(r -> Arrays.equals(r.digest(), digest)).findFirst();
  }

  /** Other nodes whose latest report this oracle received names one of these GPU UUIDs. */
  public synchronized Set<String> nodesSharing(String node, List<String> uuids) {
    Set<String> sharing = new TreeSet<>();
    for (Map.Entry<String, Deque<HardwareReport>> e : byNode.entrySet()) {
      if (e.getKey().equalsIgnoreCase(node) || e.getValue().isEmpty()) {
        continue;
      }
      for (HardwareReport.Gpu gpu : e.getValue().getLast().gpus()) {
        if (uuids.contains(gpu.uuid())) {
          sharing.add(e.getKey());
        }
      }
    }
    return sharing;
  }

  private void count(String result) {
    registry.counter("aifabric_bridge_hardware_reports_total", "result", result).increment();
  }

  @PreDestroy
  void close() {
    if (handoff != null) {
      handoff.close();
    }
  }
}
