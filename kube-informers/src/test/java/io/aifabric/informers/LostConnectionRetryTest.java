package io.aifabric.informers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Informers against an HTTP server that answers the first list of pods as a failing API server
 * would (closing the connection, or refusing), and every later one with a pod. A real API server
 * cannot be made to close a connection on demand; the client is the real one every service uses
 * (Fabric8 over Vert.x).
 */
class LostConnectionRetryTest {
  private static final String POD_LIST =
      """
      {"apiVersion":"v1","kind":"PodList","metadata":{"resourceVersion":"7"},
       "items":[{"apiVersion":"v1","kind":"Pod",
                 "metadata":{"name":"trainer-0","namespace":"default","resourceVersion":"7"}}]}
      """;
  private static final String FORBIDDEN =
      """
      {"apiVersion":"v1","kind":"Status","status":"Failure","reason":"Forbidden","code":403,
       "message":"pods is forbidden: User \\"system:serviceaccount:aifabric:agent\\" cannot list"}
      """;

  private final AtomicInteger lists = new AtomicInteger();
  private Consumer<HttpServerRequest> firstList;
  private Vertx vertx;
  private HttpServer server;
  private KubernetesClient client;
  private SharedIndexInformer<Pod> informer;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    server =
        vertx
            .createHttpServer()
            // The informer's watch, once it listed: held open, no events.
            .webSocketHandler(watch -> {})
            .requestHandler(this::answer)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl("http://127.0.0.1:" + server.actualPort())
                    .build())
            .build();
  }

  @AfterEach
  void stop() throws Exception {
    if (informer != null) {
      informer.close();
    }
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  private void answer(HttpServerRequest request) {
    if (lists.incrementAndGet() == 1) {
      firstList.accept(request);
    } else {
      request.response().putHeader("Content-Type", "application/json").end(POD_LIST);
    }
  }

  private static void closeTheConnection(HttpServerRequest request) {
    request.connection().close();
  }

  private static void refuse(HttpServerRequest request) {
    request
        .response()
        .setStatusCode(403)
        .putHeader("Content-Type", "application/json")
        .end(FORBIDDEN);
  }

  @Test
  void anInformerWhoseFirstListLostItsConnectionListsAgainAndStarts() {
    firstList = LostConnectionRetryTest::closeTheConnection;

    informer = LostConnectionRetry.inform(client.pods().inNamespace("default"), null, 0);

    assertThat(informer.getStore().list())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("trainer-0");
    assertThat(lists).hasValue(2);
  }

  @Test
  void withFabric8sOwnHandlerTheSameLostConnectionStopsTheInformer() {
    firstList = LostConnectionRetryTest::closeTheConnection;
    informer = client.pods().inNamespace("default").runnableInformer(0);

    assertThatThrownBy(informer::run)
        .isInstanceOf(HttpClosedException.class)
        .hasMessage("Connection was closed");
    assertThat(lists).hasValue(1);
  }

  @Test
  void aRefusalStillStopsTheInformerAtStartWithTheReason() {
    firstList = LostConnectionRetryTest::refuse;

    assertThatThrownBy(
            () -> LostConnectionRetry.inform(client.pods().inNamespace("default"), null, 0))
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(403))
        .hasMessageContaining("pods is forbidden");
    assertThat(lists).hasValue(1);
  }

  @Test
  void onlyAnUnansweredRequestCountsAsALostConnection() {
    var handler = new LostConnectionRetry();

    assertThat(
            handler.retryAfterException(
                false, new CompletionException(new HttpClosedException("closed"))))
        .isTrue();
    assertThat(
            handler.retryAfterException(
                false, new KubernetesClientException("list", new IOException("reset"))))
        .isTrue();
    assertThat(handler.retryAfterException(false, new KubernetesClientException("gone", 404, null)))
        .isFalse();
    assertThat(handler.retryAfterException(false, new IllegalStateException("a bug"))).isFalse();
    // Once started, as Fabric8's default: everything but a watch that cannot go on.
    assertThat(handler.retryAfterException(true, new IllegalStateException("a bug"))).isTrue();
    assertThat(handler.retryAfterException(true, new WatcherException("too old"))).isFalse();
  }
}
