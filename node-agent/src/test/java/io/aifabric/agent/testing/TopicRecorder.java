package io.aifabric.agent.testing;

import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Subscribes to a topic filter as the operator does (its broker identity: nodes read nothing) and
 * keeps what arrives, with arrival times; reconnects.
 */
public final class TopicRecorder implements AutoCloseable {
  public record Received(String topic, byte[] payload, long arrivedMillis) {}

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final MosquittoBroker broker;
  private final MqttClientOptions options;
  private final String filter;
  private volatile MqttClient client;
  private volatile boolean closed;

  public TopicRecorder(MosquittoBroker broker, String filter) throws Exception {
    this.broker = broker;
    this.filter = filter;
    TestPki.ClientTls tls = broker.pki().client(BrokerIdentities.OPERATOR);
    this.options = new MqttClientOptions().setCleanSession(true);
    options.setSsl(true);
    options.setHostnameVerificationAlgorithm("HTTPS");
    options.setTrustOptions(new PemTrustOptions().addCertPath(tls.ca().toString()));
    options.setKeyCertOptions(
        new PemKeyCertOptions()
            .setCertPath(tls.certificate().toString())
            .setKeyPath(tls.key().toString()));
    connect();
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  private void connect() throws Exception {
    connectAsync().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  /** Never blocks: it runs on the event loop when reconnecting. */
  private io.vertx.core.Future<?> connectAsync() {
    MqttClient c = MqttClient.create(vertx, options);
    c.publishHandler(
        m ->
            received.add(
                new Received(m.topicName(), m.payload().getBytes(), System.currentTimeMillis())));
    c.closeHandler(v -> reconnectLater());
    return c.connect(broker.port(), "127.0.0.1")
        .compose(ok -> c.subscribe(filter, 1))
        .onSuccess(ok -> client = c)
        .onFailure(e -> reconnectLater());
  }

  private void reconnectLater() {
    if (!closed) {
      vertx.setTimer(500, id -> connectAsync());
    }
  }

  @Override
  public void close() {
    closed = true;
    if (client != null) {
      client.disconnect();
    }
    vertx.close();
  }
}
