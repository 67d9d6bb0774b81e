package io.aifabric.e2e;

import io.aifabric.protocol.EthAddress;
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
import io.vertx.core.Future;
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
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final MqttClient client;
  private final int port;
  private long sequence;

  SimulatedAgent(int brokerPort) throws Exception {
    this(Vertx.vertx(), true, brokerPort, NodeKey.generate(new SecureRandom()), 0);
  }

  /** One of many agents sharing the test's event loops (a fleet: see {@link AgentFleet}). */
  SimulatedAgent(Vertx shared, int brokerPort, NodeKey key) throws Exception {
    this(shared, false, brokerPort, key, 0);
  }

  private SimulatedAgent(Vertx vertx, boolean ownsVertx, int brokerPort, NodeKey key, long sequence)
      throws Exception {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.key = key;
    this.sequence = sequence;
    this.port = brokerPort;
    client = connection(c -> {});
  }

  /**
   * A new connection to the broker, with its handlers set first (a message can arrive as soon as it
   * is connected).
   */
  private MqttClient connection(java.util.function.Consumer<MqttClient> handlers) throws Exception {
    MqttClient connection = MqttClient.create(vertx, new MqttClientOptions().setCleanSession(true));
    handlers.accept(connection);
    connection
        .connect(port, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return connection;
  }

  /** The same node (key, sequence) on a new connection, as an agent after a broker restart. */
  SimulatedAgent reconnect(int brokerPort) throws Exception {
    return new SimulatedAgent(Vertx.vertx(), true, brokerPort, key, sequence);
  }

  EthAddress address() {
    return key.address();
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

  /** Signs and sends the next heartbeat without waiting (safe on an event loop). */
  Future<Integer> beat() {
    Heartbeat.Signed heartbeat = nextHeartbeat();
    return client.publish(
        Topics.heartbeat(heartbeat.heartbeat().node()),
        Buffer.buffer(HeartbeatCodec.encode(heartbeat)),
        MqttQoS.AT_LEAST_ONCE,
        false,
        false);
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

  /**
   * A receipt that names another node and is signed with this agent's key: a forgery, published on
   * the named node's topic as if that node had sent it.
   */
  void publishForgedReceipt(EthAddress named, String jobUid, int replica, long gpuSeconds)
      throws Exception {
    WorkReceipt receipt =
        new WorkReceipt(
            jobUid, replica, named, gpuSeconds, 0, new byte[32], System.currentTimeMillis());
    send(
        Topics.receipt(named, jobUid),
        ReceiptCodec.encode(new WorkReceipt.Signed(receipt, key.sign(receipt.digest()))),
        true);
  }

  /**
   * Receipts anyone can make: each signed correctly with a key made for it, for a job that does not
   * exist, on that key's own topic.
   */
  void publishReceiptsFromFreshKeys(int count) throws Exception {
    SecureRandom random = new SecureRandom();
    // QoS 1 on a connection of its own, at most 8 unacknowledged (the client allows 10).
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(8);
    MqttClient flood = connection(c -> c.publishCompletionHandler(id -> window.release()));
    try {
      for (int i = 0; i < count; i++) {
        NodeKey fresh = NodeKey.generate(random);
        String job = java.util.UUID.randomUUID().toString();
        WorkReceipt receipt =
            new WorkReceipt(
                job, 0, fresh.address(), 3_600, 0, new byte[32], System.currentTimeMillis());
        if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the broker stopped acknowledging");
        }
        flood.publish(
            Topics.receipt(fresh.address(), job),
            Buffer.buffer(ReceiptCodec.encode(receipt.sign(fresh))),
            MqttQoS.AT_LEAST_ONCE,
            false,
            false);
      }
      if (!window.tryAcquire(8, 30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the broker did not acknowledge the last receipts");
      }
    } finally {
      flood.disconnect();
    }
  }

  /**
   * The topics under {@code filter} whose retained message (non-empty) a new subscriber is handed,
   * once the {@code control} topic's has arrived: the broker sends all retained messages of a
   * subscription together, so whatever is not there by then is not retained.
   */
  java.util.Set<String> retainedTopics(String filter, String control) throws Exception {
    java.util.Set<String> topics = java.util.concurrent.ConcurrentHashMap.newKeySet();
    MqttClient reader =
        connection(
            c ->
                c.publishHandler(
                    m -> {
                      if (m.isRetain() && m.payload().length() > 0) {
                        topics.add(m.topicName());
                      }
                    }));
    try {
      reader
          .subscribe(filter, 1)
          .toCompletionStage()
          .toCompletableFuture()
          .get(30, TimeUnit.SECONDS);
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(10))
          .until(() -> topics.contains(control));
      return java.util.Set.copyOf(topics);
    } finally {
      reader.disconnect();
    }
  }

  /**
   * Publishes {@code bytes} of junk on a connection of its own.
   *
   * @return whether the broker closed that connection for it
   */
  boolean brokerDropsAPublishOf(String topic, int bytes) throws Exception {
    java.util.concurrent.CompletableFuture<Void> closed =
        new java.util.concurrent.CompletableFuture<>();
    MqttClient sender = connection(c -> c.closeHandler(v -> closed.complete(null)));
    sender.publish(topic, Buffer.buffer(new byte[bytes]), MqttQoS.AT_MOST_ONCE, false, false);
    try {
      closed.get(10, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      sender.disconnect();
      return false;
    }
  }

  /** Publishes a raw payload (not a node message) on a topic. */
  void publishRaw(String topic, byte[] payload) throws Exception {
    send(topic, payload, false);
  }

  /** Deletes a topic's retained message (an empty retained message). */
  void clearRetained(String topic) throws Exception {
    send(topic, new byte[0], true);
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
    if (ownsVertx) {
      vertx.close();
    }
  }
}
