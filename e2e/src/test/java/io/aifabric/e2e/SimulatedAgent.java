package io.aifabric.e2e;

import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.computenode.ComputeNode;
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
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mqtt.MqttClient;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a node agent says, said by the test: a node key, its registration for a member's Node, and
 * signed heartbeats published to the network's broker. (The node agent itself is tested against a
 * broker in node-agent/ and NodeAgentE2E; here the operator's side is under test.) Its broker
 * certificate comes straight from the test's broker authority, for its address and broker key, as
 * the operator would issue it once the registration is recorded: the broker lets it publish under
 * its own topics only.
 */
final class SimulatedAgent implements AutoCloseable {
  final NodeKey key;
  private final KeyPair brokerKey;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final MqttClient client;
  private final MosquittoBroker broker;
  private final TestPki.ClientTls tls;
  private long sequence;

  SimulatedAgent(MosquittoBroker broker) throws Exception {
    this(Vertx.vertx(), true, broker, NodeKey.generate(new SecureRandom()), 0);
  }

  /** One of many agents sharing the test's event loops (a fleet: see {@link AgentFleet}). */
  SimulatedAgent(Vertx shared, MosquittoBroker broker, NodeKey key) throws Exception {
    this(shared, false, broker, key, 0);
  }

  private SimulatedAgent(
      Vertx vertx, boolean ownsVertx, MosquittoBroker broker, NodeKey key, long sequence)
      throws Exception {
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.key = key;
    this.sequence = sequence;
    this.broker = broker;
    this.brokerKey = BrokerAuthority.newKeyPair(new SecureRandom());
    this.tls = broker.pki().client(BrokerIdentities.node(key.address()), brokerKey);
    client = connection(c -> {});
  }

  /**
   * A new connection to the broker as this node, with its handlers set first (a message can arrive
   * as soon as it is connected).
   */
  private MqttClient connection(java.util.function.Consumer<MqttClient> handlers) throws Exception {
    return connection(tls, handlers);
  }

  private MqttClient connection(
      TestPki.ClientTls identity, java.util.function.Consumer<MqttClient> handlers)
      throws Exception {
    MqttClient connection = MqttClient.create(vertx, BrokerClients.options(identity));
    handlers.accept(connection);
    connection
        .connect(broker.port(), "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    return connection;
  }

  /**
   * A new agent for the node, its registration on the member's Node, once the host's ComputeNode
   * carries its key: the operator reads the registration when it next probes, and whatever judges
   * the node's messages before then rightly says it has no registered key.
   */
  static SimulatedAgent registeredOn(Federation federation, String cluster, String node)
      throws Exception {
    SimulatedAgent agent = new SimulatedAgent(federation.broker);
    String registration = agent.registration(cluster, node);
    federation
        .bed
        .client(cluster)
        .nodes()
        .withName(node)
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put(RegistrationCodec.ANNOTATION, registration);
              return n;
            });
    String address = agent.address().toString().toLowerCase(Locale.ROOT);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var now =
                  federation.host.resources(ComputeNode.class).withName(cluster + "." + node).get();
              var identity =
                  now == null || now.getStatus() == null ? null : now.getStatus().getIdentity();
              return identity != null
                  && identity.getAddress() != null
                  && identity.getAddress().toLowerCase(Locale.ROOT).equals(address);
            });
    return agent;
  }

  /** The same node (key, sequence) on a new connection, as an agent after a broker restart. */
  SimulatedAgent reconnect() throws Exception {
    return new SimulatedAgent(Vertx.vertx(), true, broker, key, sequence);
  }

  EthAddress address() {
    return key.address();
  }

  String registration(String cluster, String node) {
    return RegistrationCodec.encode(
        new NodeRegistration(
                cluster,
                node,
                key.publicKey(),
                new byte[32],
                brokerKey.getPublic().getEncoded(),
                System.currentTimeMillis())
            .sign(key));
  }

  /** The next heartbeat, signed by this node as sent at {@code millis}. */
  Heartbeat.Signed heartbeatAt(long millis) {
    return new Heartbeat(key.address(), ++sequence, millis, "GPU-0,50,60,1024", "0.1.0").sign(key);
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
   * A receipt that names another node and is signed with this agent's key: a forgery. The broker
   * lets a node publish under its own topics only, so that is where it goes.
   */
  void publishForgedReceipt(EthAddress named, String jobUid, int replica, long gpuSeconds)
      throws Exception {
    WorkReceipt receipt =
        new WorkReceipt(
            jobUid, replica, named, gpuSeconds, 0, new byte[32], System.currentTimeMillis());
    send(
        Topics.receipt(key.address(), jobUid),
        ReceiptCodec.encode(new WorkReceipt.Signed(receipt, key.sign(receipt.digest()))),
        true);
  }

  /**
   * Junk a node with a broker certificate can send: receipts correctly signed by its own key, under
   * its own receipt topics (the only ones the broker lets it publish under), each for a job that
   * does not exist.
   */
  void publishReceiptsForJobsThatDoNotExist(int count) throws Exception {
    // QoS 1 on a connection of its own, at most 8 unacknowledged (the client allows 10).
    java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(8);
    MqttClient flood = connection(c -> c.publishCompletionHandler(id -> window.release()));
    try {
      for (int i = 0; i < count; i++) {
        String job = java.util.UUID.randomUUID().toString();
        WorkReceipt receipt =
            new WorkReceipt(
                job, 0, key.address(), 3_600, 0, new byte[32], System.currentTimeMillis());
        if (!window.tryAcquire(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the broker stopped acknowledging");
        }
        flood.publish(
            Topics.receipt(key.address(), job),
            Buffer.buffer(ReceiptCodec.encode(receipt.sign(key))),
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
    // A node reads nothing on the broker: the operator's identity does.
    MqttClient reader =
        connection(
            broker.pki().client(BrokerIdentities.OPERATOR),
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
      await().atMost(java.time.Duration.ofSeconds(10)).until(() -> topics.contains(control));
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
