package io.aifabric.escrow.bridge;

import io.aifabric.protocol.BoundedHandoff;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * How the bridge takes a node message off the broker (receipts, hardware reports, heartbeats): the
 * MQTT loop only queues it, with the topic it arrived on, for the one worker that checks
 * signatures; a full queue drops it, counted as {@code dropped}. SmallRye's MQTT source stops for
 * good when its consumer falls behind, so no check runs on the loop itself.
 */
public final class BrokerMessages {
  private BrokerMessages() {}

  /** Queues the message for the worker (or counts it dropped) and acknowledges it. */
  public static CompletionStage<Void> handOff(
      BoundedHandoff handoff, Message<byte[]> message, Consumer<String> count) {
    String topic =
        message
            .getMetadata(ReceivingMqttMessageMetadata.class)
            .map(ReceivingMqttMessageMetadata::getTopic)
            .orElse(null);
    if (!handoff.offer(topic, message.getPayload())) {
      count.accept("dropped");
    }
    return message.ack();
  }
}
