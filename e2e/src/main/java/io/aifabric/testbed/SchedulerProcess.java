package io.aifabric.testbed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.aifabric.testing.FreePort;
import io.aifabric.testing.TestPki.ClientTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A kube-scheduler of the pinned Kubernetes build running a {@code KubeSchedulerConfiguration} (the
 * chart's aifabric scheduler, or a plain one to compare with) against a test-bed cluster. In a pod
 * it would reach the API server in-cluster; here the configuration gets the cluster's kubeconfig
 * ({@code clientConnection.kubeconfig}), and nothing else about it changes.
 */
public final class SchedulerProcess implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Process process;
  private final Path log;

  private SchedulerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts kube-scheduler with the configuration and waits until it answers /readyz. */
  public static SchedulerProcess start(
      TestBed bed, String cluster, String configYaml, String name) {
    return start(bed, cluster, configYaml, name, null);
  }

  /**
   * As above, with the client certificate its pod would mount for the extender: the files of every
   * extender's {@code tlsConfig} become these.
   */
  public static SchedulerProcess start(
      TestBed bed, String cluster, String configYaml, String name, ClientTls extenderTls) {
    try {
      ObjectNode config = (ObjectNode) YAML.readTree(configYaml);
      config.withObject("/clientConnection").put("kubeconfig", bed.kubeconfig(cluster).toString());
      if (extenderTls != null) {
        for (JsonNode extender : config.path("extenders")) {
          if (extender.has("tlsConfig")) {
            ((ObjectNode) extender.get("tlsConfig"))
                .put("certFile", extenderTls.certificate().toString())
                .put("keyFile", extenderTls.key().toString())
                .put("caFile", extenderTls.ca().toString());
          }
        }
      }
      Path dir = bed.dir().resolve(cluster);
      Path file = dir.resolve(name + "-config.yaml");
      Files.writeString(file, YAML.writeValueAsString(config));
      int port = FreePort.next();
      Path log = dir.resolve(name + ".log");
      Process process =
          bed.launch(
              "kube-scheduler",
              List.of(
                  "--config=" + file,
                  "--authentication-kubeconfig=" + bed.kubeconfig(cluster),
                  "--authorization-kubeconfig=" + bed.kubeconfig(cluster),
                  "--bind-address=127.0.0.1",
                  "--secure-port=" + port),
              log);
      SchedulerProcess scheduler = new SchedulerProcess(process, log);
      scheduler.awaitReady(port);
      return scheduler;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path log() {
    return log;
  }

  private void awaitReady(int port) throws IOException {
    SSLContext tls = trustingSelfSigned();
    URI ready = URI.create("https://127.0.0.1:" + port + "/readyz");
    HealthPoll.awaitOk(
        "kube-scheduler",
        process,
        log,
        () -> {
          var connection = (HttpsURLConnection) ready.toURL().openConnection();
          connection.setSSLSocketFactory(tls.getSocketFactory());
          // Its certificate names "localhost", not the loopback address it is reached on.
          connection.setHostnameVerifier((host, session) -> true);
          connection.setConnectTimeout(1000);
          return connection;
        });
  }

  /** kube-scheduler serves /readyz with a self-signed certificate of its own making. */
  private static SSLContext trustingSelfSigned() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      TrustManager trustAll =
          new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
              return new X509Certificate[0];
            }
          };
      context.init(null, new TrustManager[] {trustAll}, new SecureRandom());
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
