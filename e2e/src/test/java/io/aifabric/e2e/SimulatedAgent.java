package io.aifabric.e2e;

import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HardwareReportCodec;
import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.ReceiptCodec;
import io.aifabric.protocol.RegistrationCodec;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

/**
 * What a node agent says, said by the test: a node key, its registration for a member's Node, and
 * signed heartbeats published to the network's broker. (The node agent itself is tested against a
 * broker in node-agent/; here the operator's side is under test.)
 */
final class SimulatedAgent implements AutoCloseable {
  final NodeKey key;
  private final Vertx vertx = Vertx.vertx();
  private final MqttClient client;
  private long sequence;

  SimulatedAgent(int brokerPort) throws Exception {
    this(brokerPort, NodeKey.generate(new SecureRandom()), 0);
  }

  private SimulatedAgent(int brokerPort, NodeKey key, long sequence) throws Exception {
    this.key = key;
    this.sequence = sequence;
    client = MqttClient.create(vertx, new MqttClientOptions().setCleanSession(true));
    client
        .connect(brokerPort, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  /** The same node (key, sequence) on a new connection, as an agent after a broker restart. */
  SimulatedAgent reconnect(int brokerPort) throws Exception {
    return new SimulatedAgent(brokerPort, key, sequence);
  }

  String registration(String cluster, String node) {
    return RegistrationCodec.encode(
        new NodeRegistration(
                cluster, node, key.publicKey(), new byte[32], System.currentTimeMillis())
            .sign(key));
  }

  /** The next heartbeat, signed by this node. */
  Heartbeat.Signed nextHeartbeat() {
    return new Heartbeat(
            key.address(), ++sequence, System.currentTimeMillis(), "GPU-0,50,60,1024", "0.1.0")
        .sign(key);
  }

  void publish(Heartbeat.Signed heartbeat) throws Exception {
    send(Topics.heartbeat(heartbeat.heartbeat().node()), HeartbeatCodec.encode(heartbeat), false);
  }

  /** A signed work receipt for one replica, published retained as the agent does. */
  void publishReceipt(String jobUid, int replica, long gpuSeconds) throws Exception {
    WorkReceipt receipt =
        new WorkReceipt(
            jobUid,
            replica,
            key.address(),
            gpuSeconds,
            0,
            io.aifabric.protocol.Keccak256.hash(jobUid.getBytes()),
            System.currentTimeMillis());
    send(Topics.receipt(key.address(), jobUid), ReceiptCodec.encode(receipt.sign(key)), true);
  }

  /** A signed hardware report, published retained as the agent does. */
  void publishHardware(HardwareReport report) throws Exception {
    send(Topics.hardware(report.node()), HardwareReportCodec.encode(report.sign(key)), true);
  }

  private void send(String topic, byte[] payload, boolean retain) throws Exception {
    client
        .publish(topic, Buffer.buffer(payload), MqttQoS.AT_LEAST_ONCE, false, retain)
        .toCompletionStage()
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    client.disconnect();
    vertx.close();
  }
}
