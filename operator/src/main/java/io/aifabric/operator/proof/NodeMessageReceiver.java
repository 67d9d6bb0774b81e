package io.aifabric.operator.proof;

import io.aifabric.protocol.BoundedHandoff;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.Signature;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.mqtt.ReceivingMqttMessageMetadata;
import jakarta.annotation.PreDestroy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * What every message a node signs (hardware report, work receipt) goes through when it arrives:
 * readable, on the topic it belongs on, from a registered node, signed by that node's key; or
 * refused and counted by reason in {@code <metric>{result=...}}. A message from a node not
 * registered yet is held until it is (see {@link AwaitingKey}).
 *
 * @param <M> the message kind
 */
abstract class NodeMessageReceiver<M> {
  /** A decoded message: who claims to have signed it, where it belongs, what was signed. */
  record Claim<M>(M message, EthAddress node, String topic, byte[] digest, Signature signature) {}

  private final NodeKeys keys;
  private final MeterRegistry registry;
  private final String metric;

  /** 10,000 nodes, 64 messages each, 16 MiB in all: a flood of made-up keys costs that at most. */
  private final AwaitingKey awaitingKey = new AwaitingKey(10_000, 64, 16L << 20);

  /** The MQTT loop only queues (8 MiB; a flood drops its excess, counted); one worker judges. */
  private final BoundedHandoff handoff;

  /**
   * @param accepted the result counted for a message taken
   */
  NodeMessageReceiver(NodeKeys keys, MeterRegistry registry, String metric, String accepted) {
    this.keys = keys;
    this.registry = registry;
    this.metric = metric;
    keys.onRegistered(this::retryHeld);
    this.handoff =
        new BoundedHandoff(metric, 8L << 20, (topic, payload) -> count(judge(topic, payload)));
    // Every result at 0 from the start, so a dashboard shows a quiet network's zeros.
    for (String result :
        List.of(
            accepted,
            "dropped",
            "cleared",
            "malformed",
            "wrong_topic",
            "unknown_node",
            "bad_signature")) {
      registry.counter(metric, "result", result);
    }
  }

  abstract Claim<M> decode(byte[] payload) throws MalformedMessageException;

  /**
   * Takes a message signed by the registered key of {@code computeNode}.
   *
   * @return the result counted for it
   */
  abstract String accept(String computeNode, M message);

  /** For the subclass's {@code @Incoming} method. */
  CompletionStage<Void> receive(Message<byte[]> message) {
    if (!handoff.offer(topicOf(message), message.getPayload())) {
      count("dropped");
    }
    return message.ack();
  }

  @PreDestroy
  void stopHandoff() {
    handoff.close();
  }

  /** The MQTT topic a message arrived on, if it came over MQTT. */
  static String topicOf(Message<?> message) {
    return message
        .getMetadata(ReceivingMqttMessageMetadata.class)
        .map(ReceivingMqttMessageMetadata::getTopic)
        .orElse(null);
  }

  String judge(String topic, byte[] payload) {
    if (payload.length == 0) {
      return "cleared"; // an empty retained message deletes one (the relayer's, after settlement)
    }
    Claim<M> claim;
    try {
      claim = decode(payload);
    } catch (MalformedMessageException e) {
      return "malformed";
    }
    if (topic != null && !topic.equals(claim.topic())) {
      return "wrong_topic";
    }
    NodePublicKey key = keys.keyOf(claim.node());
    Optional<String> computeNode = keys.computeNodeOf(claim.node());
    if (key == null || computeNode.isEmpty()) {
      awaitingKey.hold(claim.node(), topic, payload);
      if (keys.keyOf(claim.node()) != null) {
        // Registered between the look-up and the hold, after its held messages were released:
        // release again, or this one would wait for a registration that has already happened.
        retryHeld(claim.node());
      }
      return "unknown_node";
    }
    if (!key.verifies(claim.digest(), claim.signature())) {
      return "bad_signature";
    }
    return accept(computeNode.get(), claim.message());
  }

  /** A node just registered: what it sent before is judged now. */
  private void retryHeld(EthAddress node) {
    for (AwaitingKey.Held held : awaitingKey.release(node)) {
      count(judge(held.topic(), held.payload()));
    }
  }

  private void count(String result) {
    registry.counter(metric, "result", result).increment();
  }
}
