package io.aifabric.informers;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;

/**
 * An informer's exception handler that retries its first list when the connection was lost, not
 * only after it started.
 *
 * <p>Fabric8's default stops an informer whose first list fails for any reason, and the service
 * starting it fails to start. A single request can meet a pooled connection the API server has just
 * closed; with the Vert.x client (Quarkus's, so every service's) it fails with {@link
 * HttpClosedException}, which Fabric8 does not retry as it does an {@link IOException}
 * (fabric8io/kubernetes-client#7450). CI saw it: an operator's first list of NodeReports met a
 * closed connection and the operator exited during start-up. An answer from the API server (403 for
 * a missing permission, 404 for a missing CRD) still stops the informer before it started, so a
 * service that cannot work fails at start with the reason instead of retrying forever. Once
 * started, it retries as Fabric8's default does.
 */
public final class LostConnectionRetry implements ExceptionHandler {

  /**
   * Starts an informer as {@link Informable#inform(ResourceEventHandler, long)} does, with this
   * handler, and waits for its first list.
   */
  public static <T> SharedIndexInformer<T> inform(
      Informable<T> source, ResourceEventHandler<? super T> handler, long resyncMillis) {
    SharedIndexInformer<T> informer = source.runnableInformer(resyncMillis);
    informer.exceptionHandler(new LostConnectionRetry());
    if (handler != null) {
      informer.addEventHandler(handler);
    }
    informer.run();
    return informer;
  }

  @Override
  public boolean retryAfterException(boolean started, Throwable failure) {
    return started ? !(failure instanceof WatcherException) : lostConnection(failure);
  }

  /** True when the request never got an answer: the connection closed or could not be made. */
  static boolean lostConnection(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException answered && answered.getCode() > 0) {
        return false;
      }
      if (t instanceof IOException || t instanceof HttpClosedException) {
        return true;
      }
    }
    return false;
  }
}
