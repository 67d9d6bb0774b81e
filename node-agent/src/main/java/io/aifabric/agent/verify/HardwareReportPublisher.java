package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.GpuDiscovery;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.agent.mqtt.RetainedUntilAcknowledged;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.Topics;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.jboss.logging.Logger;

/**
 * Measures the node's GPUs at start and then every hardware interval, and publishes the signed
 * report retained on {@code aifabric/v1/hardware/<address>}: the operator, whenever it subscribes,
 * gets the node's latest measurement.
 */
@ApplicationScoped
public class HardwareReportPublisher {
  private static final Logger LOG = Logger.getLogger(HardwareReportPublisher.class);

  private final RetainedUntilAcknowledged retained;
  private final GpuDiscovery discovery;
  private final HardwareVerifier verifier;
  private final NodeKeyring identity;
  private final Clock clock;
  private volatile boolean measured;

  public HardwareReportPublisher(
      @Channel("hardware") Emitter<byte[]> emitter,
      GpuDiscovery discovery,
      HardwareVerifier verifier,
      NodeKeyring identity,
      Clock clock) {
    this.retained = new RetainedUntilAcknowledged(emitter);
    this.discovery = discovery;
    this.verifier = verifier;
    this.identity = identity;
    this.clock = clock;
  }

  @Scheduled(
      every = "${aifabric.agent.hardware-interval:6h}",
      delayed = "1s",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void measureAndPublish() {
    HardwareReport report;
    try {
      report = verifier.verify(identity.address(), discovery.discover(), clock.millis());
    } catch (GpuDiscoveryException e) {
      LOG.warnf("no hardware report: %s", e.getMessage());
      return;
    }
    retained.publish(
        Topics.hardware(identity.address()),
        HardwareReportCodec.encode(report.sign(identity.signingKey())));
    measured = true;
    LOG.infof("hardware report: %d GPUs measured (%s)", report.gpus().size(), report.method());
  }

  /**
   * Until the broker has acknowledged the latest report, it is sent again: a report sent while the
   * agent was still connecting is not lost until the next measurement hours later. And until a
   * first report exists at all, measuring is tried again: the first scheduled measurement can come
   * before the messaging channels are ready (seen on a slow start), and the next one is hours away.
   */
  @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void publishUntilDelivered() {
    if (!measured) {
      measureAndPublish();
    } else {
      retained.resend();
    }
  }
}
