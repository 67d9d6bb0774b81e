package io.aifabric.agent.mqtt;

import io.netty.handler.codec.mqtt.MqttQoS;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Publishes retained QoS 1 messages through a channel and sends each again, on {@link #resend()},
 * until the broker has acknowledged it: a message sent while the agent is still connecting, or
 * while the broker is away, is not lost. A newer payload for a topic replaces the older one.
 */
public final class RetainedUntilAcknowledged {
  private static final Logger LOG = Logger.getLogger(RetainedUntilAcknowledged.class);

  private final Emitter<byte[]> emitter;
  private final Map<String, byte[]> unacknowledged = new ConcurrentHashMap<>();

  public RetainedUntilAcknowledged(Emitter<byte[]> emitter) {
    this.emitter = emitter;
  }

  public void publish(String topic, byte[] payload) {
    unacknowledged.put(topic, payload);
    send(topic, payload);
  }

  /** Sends again what the broker has not acknowledged yet. */
  public void resend() {
    unacknowledged.forEach(this::send);
  }

  private void send(String topic, byte[] payload) {
    Message<byte[]> message =
        Message.of(
            payload,
            Metadata.of(new SendingMqttMessageMetadata(topic, MqttQoS.AT_LEAST_ONCE, true)),
            () -> {
              // Only this payload: a newer one for the topic still waits for its own ack.
              unacknowledged.remove(topic, payload);
              return CompletableFuture.completedFuture(null);
            },
            failure -> CompletableFuture.completedFuture(null));
    try {
      emitter.send(message);
    } catch (RuntimeException e) {
      LOG.debugf("%s not sent yet: %s", topic, e.getMessage());
    }
  }
}
