package io.aifabric.e2e;

import io.aifabric.testing.TestPki;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClient;
import io.vertx.mqtt.MqttClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * MQTT clients of the test brokers: TLS, the broker checked by name, a client identity; and the
 * blocking steps the broker tests take (connect, subscribe, publish), each waiting for the broker's
 * answer.
 */
final class BrokerClients {
  private BrokerClients() {}

  /** A client that presents this identity and trusts the network's broker authority. */
  static MqttClientOptions options(TestPki.ClientTls tls) {
    return anonymous(tls.ca().toString())
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .setCertPath(tls.certificate().toString())
                .setKeyPath(tls.key().toString()));
  }

  /** A client that trusts the broker but presents no certificate of its own. */
  static MqttClientOptions anonymous(String caFile) {
    MqttClientOptions options = new MqttClientOptions().setCleanSession(true);
    options.setSsl(true);
    options.setHostnameVerificationAlgorithm("HTTPS");
    options.setTrustOptions(new PemTrustOptions().addCertPath(caFile));
    return options;
  }

  static void connect(MqttClient client, int port) throws Exception {
    client
        .connect(port, "127.0.0.1")
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /** Subscribes at QoS 1 and returns what the broker granted (0x80: refused). */
  static List<Integer> subscribe(MqttClient client, String filter) throws Exception {
    CompletableFuture<List<Integer>> ack = new CompletableFuture<>();
    client.subscribeCompletionHandler(m -> ack.complete(m.grantedQoSLevels()));
    client.subscribe(filter, MqttQoS.AT_LEAST_ONCE.value());
    return ack.get(30, TimeUnit.SECONDS);
  }

  static void publish(MqttClient client, String topic, String payload, boolean retain)
      throws Exception {
    client
        .publish(
            topic,
            Buffer.buffer(payload.getBytes(StandardCharsets.UTF_8)),
            MqttQoS.AT_LEAST_ONCE,
            false,
            retain)
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }
}
