package io.aifabric.agent.verify;

import io.aifabric.agent.gpu.GpuDiscovery;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import io.aifabric.agent.identity.NodeIdentity;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Measures the node's GPUs at start and then every hardware interval, and publishes the signed
 * report retained on {@code aifabric/v1/hardware/<address>}: the operator, whenever it subscribes,
 * gets the node's latest measurement.
 */
@ApplicationScoped
public class HardwareReportPublisher {
  private static final Logger LOG = Logger.getLogger(HardwareReportPublisher.class);

  private final Emitter<byte[]> emitter;
  private final GpuDiscovery discovery;
  private final HardwareVerifier verifier;
  private final NodeIdentity identity;
  private final Clock clock;
  private final AtomicReference<byte[]> latest = new AtomicReference<>();
  private final AtomicBoolean delivered = new AtomicBoolean();

  public HardwareReportPublisher(
      @Channel("hardware") Emitter<byte[]> emitter,
      GpuDiscovery discovery,
      HardwareVerifier verifier,
      NodeIdentity identity,
      Clock clock) {
    this.emitter = emitter;
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
    latest.set(HardwareReportCodec.encode(report.sign(identity.signingKey())));
    delivered.set(false);
    publishLatest();
    LOG.infof("hardware report: %d GPUs measured (%s)", report.gpus().size(), report.method());
  }

  /**
   * Until the broker has acknowledged the latest report, it is sent again: a report sent while the
   * agent was still connecting is not lost until the next measurement hours later.
   */
  @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void publishUntilDelivered() {
    if (!delivered.get() && latest.get() != null) {
      publishLatest();
    }
  }

  private void publishLatest() {
    byte[] payload = latest.get();
    Message<byte[]> message =
        Message.of(
            payload,
            Metadata.of(
                new SendingMqttMessageMetadata(
                    Topics.hardware(identity.address()), MqttQoS.AT_LEAST_ONCE, true)),
            () -> {
              delivered.compareAndSet(false, latest.get() == payload);
              return CompletableFuture.completedFuture(null);
            },
            failure -> CompletableFuture.completedFuture(null));
    try {
      emitter.send(message);
    } catch (RuntimeException e) {
      LOG.debugf("hardware report not sent yet: %s", e.getMessage());
    }
  }
}
