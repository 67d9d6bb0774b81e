package io.aifabric.agent.heartbeat;

import io.aifabric.agent.AgentConfig;
import io.aifabric.agent.gpu.DiscoveredGpus;
import io.aifabric.agent.gpu.GpuDiscovery;
import io.aifabric.agent.gpu.GpuDiscoveryException;
import io.aifabric.agent.identity.NodeKeyring;
import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.Topics;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.mqtt.MqttMessage;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Proof-of-Availability: every interval, reads the GPUs and publishes a signed heartbeat on {@code
 * aifabric/v1/heartbeats/<address>} (QoS 1). A heartbeat is only ever about now: while the broker
 * is away none is built when the channel has no demand, and one the connector cannot take is
 * dropped rather than buffered ({@code OnOverflow DROP}), so when the broker returns the agent
 * resumes with its latest state instead of a burst of old ones (HeartbeatOverMqttTest restarts a
 * real broker to show it). A node whose driver does not answer sends none: it is not available for
 * GPU work.
 */
@ApplicationScoped
public class HeartbeatPublisher {
  private static final Logger LOG = Logger.getLogger(HeartbeatPublisher.class);

  private final Emitter<byte[]> emitter;
  private final GpuDiscovery discovery;
  private final NodeKeyring identity;
  private final AgentConfig config;
  private final Clock clock;
  private final AtomicLong lastSequence = new AtomicLong();
  private final AtomicReference<String> lastProblem = new AtomicReference<>();

  public HeartbeatPublisher(
      @Channel("heartbeats") @OnOverflow(OnOverflow.Strategy.DROP) Emitter<byte[]> emitter,
      GpuDiscovery discovery,
      NodeKeyring identity,
      AgentConfig config,
      Clock clock) {
    this.emitter = emitter;
    this.discovery = discovery;
    this.identity = identity;
    this.config = config;
    this.clock = clock;
  }

  @Scheduled(
      every = "${aifabric.agent.heartbeat-interval:10s}",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void beat() {
    DiscoveredGpus inventory;
    try {
      inventory = discovery.discover();
    } catch (GpuDiscoveryException e) {
      report("no heartbeat: " + e.getMessage());
      return;
    }
    if (!emitter.hasRequests()) {
      report("no heartbeat: the broker is not connected (the next one carries fresh state)");
      return;
    }
    lastProblem.set(null);
    long now = clock.millis();
    // Strictly increasing, and still so after a restart: never below the clock.
    long sequence = lastSequence.updateAndGet(last -> Math.max(last + 1, now));
    Heartbeat heartbeat =
        new Heartbeat(identity.address(), sequence, now, inventory.telemetry(), config.version());
    byte[] payload = HeartbeatCodec.encode(heartbeat.sign(identity.signingKey()));
    try {
      emitter.send(
          MqttMessage.of(Topics.heartbeat(identity.address()), payload, MqttQoS.AT_LEAST_ONCE));
    } catch (RuntimeException e) {
      // The channel refused it (not connected yet, or gone): the next beat tries with fresh state.
      report("no heartbeat: " + e.getMessage());
    }
  }

  /** Says a problem once when it starts, not on every beat. */
  private void report(String problem) {
    if (!problem.equals(lastProblem.getAndSet(problem))) {
      LOG.warn(problem);
    }
  }
}
