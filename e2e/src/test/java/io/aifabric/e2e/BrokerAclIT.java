package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.Topics;
import io.aifabric.protocol.broker.BrokerAuthority;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.protocol.broker.Pem;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import io.vertx.mqtt.messages.MqttPublishMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The network broker's access rules, attacked on a real Mosquitto configured as the network's
 * brokers are (TLS only, client certificates from the network's authority, their CN the username,
 * config/mosquitto/aifabric.acl). Each test is one party trying what it must not.
 */
class BrokerAclIT {
  static final Path DIR = Path.of("target", "broker-acl-it");
  static MosquittoBroker broker;
  static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    broker = MosquittoBroker.start(DIR.resolve("mosquitto-" + System.nanoTime()));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aClientWithoutACertificateIsNotLetIn() {
    MqttClient anonymous =
        MqttClient.create(vertx, BrokerClients.anonymous(broker.pki().caCertificate().toString()));
    assertThatThrownBy(() -> connect(anonymous)).isInstanceOf(ExecutionException.class);
  }

  @Test
  void aCertificateFromAnotherAuthorityIsNotLetIn() throws Exception {
    // An attacker's own CA issues itself "aifabric-operator": the broker trusts only the network's.
    BrokerAuthority rogue = BrokerAuthority.create("rogue", Duration.ofDays(1), new SecureRandom());
    KeyPair key = BrokerAuthority.newKeyPair(new SecureRandom());
    Path dir = Files.createDirectories(DIR.resolve("rogue-" + System.nanoTime()));
    Pem.writePublic(
        dir.resolve("c.crt"),
        Pem.encode(
            rogue.issueClient(
                BrokerIdentities.OPERATOR, key.getPublic(), Instant.now(), Duration.ofDays(1))));
    Pem.writeSecret(dir.resolve("c.key"), Pem.encode(key.getPrivate()));
    MqttClientOptions options =
        BrokerClients.anonymous(broker.pki().caCertificate().toString())
            .setKeyCertOptions(
                new PemKeyCertOptions()
                    .setCertPath(dir.resolve("c.crt").toString())
                    .setKeyPath(dir.resolve("c.key").toString()));
    assertThatThrownBy(() -> connect(MqttClient.create(vertx, options)))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void aNodePublishesUnderItsOwnTopicsOnlyAndNeverUnderAnothersNode() throws Exception {
    EthAddress attacker = NodeKey.generate(new SecureRandom()).address();
    EthAddress victim = NodeKey.generate(new SecureRandom()).address();
    BlockingQueue<MqttPublishMessage> seen = subscribeAsOperator();
    MqttClient node = connected(broker.pki().client(BrokerIdentities.node(attacker)));
    // Under the victim's topics (retained hardware report too); then one message of its own.
    publish(node, Topics.heartbeat(victim), "forged heartbeat", false);
    publish(node, Topics.hardware(victim), "forged hardware", true);
    publish(node, Topics.receipt(victim, "job-1"), "forged receipt", true);
    publish(node, Topics.heartbeat(attacker), "own heartbeat", false);
    // One connection's messages reach a subscriber in order: once the last is in, the first three
    // would have been too.
    MqttPublishMessage first = seen.poll(30, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.topicName()).isEqualTo(Topics.heartbeat(attacker));
    assertThat(seen).isEmpty();
    // A subscriber arriving later is not handed a forged retained report either.
    BlockingQueue<MqttPublishMessage> later = subscribeAsOperator();
    publish(node, Topics.heartbeat(attacker), "marker", false);
    assertThat(later.poll(30, TimeUnit.SECONDS).topicName()).isEqualTo(Topics.heartbeat(attacker));
    assertThat(later).isEmpty();
    node.disconnect();
  }

  @Test
  void aNodeCannotReadOtherNodesMessages() throws Exception {
    Retained retained = nodeWithRetainedReceipt();
    MqttClient agent = retained.node();
    String topic = retained.topic();
    assertThat(retainedOn(topic, BrokerIdentities.OPERATOR)).isEqualTo("receipt");
    // Another node subscribes (the broker grants the filter) but is handed nothing.
    String snoop = BrokerIdentities.node(NodeKey.generate(new SecureRandom()).address());
    assertThat(retainedOn(Topics.RECEIPTS + "#", snoop)).isNull();
    agent.disconnect();
  }

  @Test
  void anOracleCannotClearReceiptsAndTheRelayerCan() throws Exception {
    Retained retained = nodeWithRetainedReceipt();
    MqttClient agent = retained.node();
    String topic = retained.topic();
    MqttClient oracle = connected(broker.pki().client(BrokerIdentities.ORACLE));
    publish(oracle, topic, "", true);
    assertThat(retainedOn(topic)).isEqualTo("receipt");
    MqttClient relayer = connected(broker.pki().client(BrokerIdentities.RELAYER));
    publish(relayer, topic, "", true);
    assertThat(retainedOn(topic)).isNull();
    for (MqttClient c : List.of(agent, oracle, relayer)) {
      c.disconnect();
    }
  }

  /** A node connected as itself, and the topic of a receipt it retained there ("receipt"). */
  private record Retained(MqttClient node, String topic) {}

  private Retained nodeWithRetainedReceipt() throws Exception {
    EthAddress address = NodeKey.generate(new SecureRandom()).address();
    MqttClient node = connected(broker.pki().client(BrokerIdentities.node(address)));
    String topic = Topics.receipt(address, "job-" + System.nanoTime());
    publish(node, topic, "receipt", true);
    return new Retained(node, topic);
  }

  /** The retained message on the topic as a fresh operator sees it, or null when there is none. */
  private String retainedOn(String topic) throws Exception {
    return retainedOn(topic, BrokerIdentities.OPERATOR);
  }

  /**
   * What a fresh subscriber with this identity is handed from the topic filter's retained messages
   * (the last one), or null for nothing. The broker handles one connection's packets in order and
   * sends a subscription's retained messages right after its SUBACK: once the answer to a PING sent
   * after the SUBACK is in, whatever it would be handed is in too.
   */
  private String retainedOn(String filter, String username) throws Exception {
    BlockingQueue<MqttPublishMessage> messages = new LinkedBlockingQueue<>();
    MqttClient reader = connected(broker.pki().client(username), messages::add);
    assertThat(subscribe(reader, filter)).containsExactly(1);
    java.util.concurrent.CompletableFuture<Void> pong =
        new java.util.concurrent.CompletableFuture<>();
    reader.pingResponseHandler(v -> pong.complete(null));
    reader.ping();
    pong.get(30, TimeUnit.SECONDS);
    reader.disconnect();
    String retained = null;
    for (MqttPublishMessage m : messages) {
      retained = m.payload().toString(StandardCharsets.UTF_8);
    }
    return retained;
  }

  private BlockingQueue<MqttPublishMessage> subscribeAsOperator() throws Exception {
    BlockingQueue<MqttPublishMessage> messages = new LinkedBlockingQueue<>();
    MqttClient operator = connected(broker.pki().client(BrokerIdentities.OPERATOR), messages::add);
    for (String filter :
        List.of(Topics.HEARTBEATS + "+", Topics.HARDWARE + "+", Topics.RECEIPTS + "+/+")) {
      assertThat(subscribe(operator, filter)).containsExactly(1);
    }
    return messages;
  }

  private MqttClient connected(TestPki.ClientTls tls) throws Exception {
    return connected(tls, m -> {});
  }

  private MqttClient connected(
      TestPki.ClientTls tls, java.util.function.Consumer<MqttPublishMessage> handler)
      throws Exception {
    MqttClient client = MqttClient.create(vertx, BrokerClients.options(tls));
    client.publishHandler(handler::accept);
    connect(client);
    return client;
  }

  private static void connect(MqttClient client) throws Exception {
    BrokerClients.connect(client, broker.port());
  }

  private static List<Integer> subscribe(MqttClient client, String filter) throws Exception {
    return BrokerClients.subscribe(client, filter);
  }

  private static void publish(MqttClient client, String topic, String payload, boolean retain)
      throws Exception {
    BrokerClients.publish(client, topic, payload, retain);
  }
}
