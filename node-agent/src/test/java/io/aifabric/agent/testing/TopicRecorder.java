package io.aifabric.agent.testing;

import io.vertx.core.Vertx;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Subscribes to a topic filter and keeps what arrives, with arrival times; reconnects. */
public final class TopicRecorder implements AutoCloseable {
  public record Received(String topic, byte[] payload, long arrivedMillis) {}

  private final Vertx vertx = Vertx.vertx();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final int port;
  private final String filter;
  private volatile MqttClient client;
  private volatile boolean closed;

  public TopicRecorder(int port, String filter) throws Exception {
    this.port = port;
    this.filter = filter;
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
    MqttClient c = MqttClient.create(vertx, new MqttClientOptions().setCleanSession(true));
    c.publishHandler(
        m ->
            received.add(
                new Received(m.topicName(), m.payload().getBytes(), System.currentTimeMillis())));
    c.closeHandler(v -> reconnectLater());
    return c.connect(port, "127.0.0.1")
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
