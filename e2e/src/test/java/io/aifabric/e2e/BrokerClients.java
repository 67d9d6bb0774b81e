package io.aifabric.e2e;

import io.aifabric.testing.TestPki;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.mqtt.MqttClientOptions;

/** MQTT client options for the test broker: TLS, the broker checked by name, a client identity. */
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
}
