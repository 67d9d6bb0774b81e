package io.aifabric.extender.service;

import com.fasterxml.jackson.core.JacksonException;
import io.aifabric.extender.GpuPrioritizer;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.ExtenderBindingArgs;
import io.aifabric.extender.wire.ExtenderBindingResult;
import io.aifabric.extender.wire.ExtenderFilterResult;
import io.aifabric.extender.wire.ExtenderJson;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.jboss.logging.Logger;

/**
 * The extender's HTTP API as kube-scheduler calls it: {@code POST /scheduler/filter}, {@code
 * /scheduler/prioritize} and {@code /scheduler/bind} (the chart's {@code urlPrefix} is {@code
 * .../scheduler}). Bad input never gets a 500 or a stack trace: malformed JSON is a 400, an unknown
 * verb a 404, a request the extender cannot decide (a pod without a GPU request) an {@code Error}
 * in the answer where the contract has one, a 400 where it has none (prioritize).
 *
 * <p>Filter and prioritize run on the event loop: they read memory only. Bind talks to the API
 * server, so it runs on a worker thread.
 */
@ApplicationScoped
public class ExtenderRoutes {
  static final String PREFIX = "/scheduler";

  /**
   * The largest request body taken: kube-scheduler with a node cache (as the chart configures it)
   * sends the pod (at most 1.5 MiB, etcd's object limit) and node names (at most 253 bytes each:
   * ~1.3 MB at 5,000 nodes, the largest cluster Kubernetes supports). Anything bigger is not
   * kube-scheduler, and is refused before it is read into memory.
   */
  static final long MAX_BODY = 4L << 20;

  private static final Set<String> VERBS = Set.of("filter", "prioritize", "bind");
  private static final Set<String> OUTCOMES = Set.of("ok", "error", "bad-request", "failed");
  private static final Logger LOG = Logger.getLogger(ExtenderRoutes.class);

  private final ExtenderJson json = new ExtenderJson();
  private final ExtenderVerbs verbs;
  private final GpuBinder binder;
  private final SchedulerCallers callers;
  private final Counter refusedCallers;

  /** Registered once: a lookup by tags on every request costs more than the request's filter. */
  private final Map<String, Timer> timers = new HashMap<>();

  ExtenderRoutes(
      GpuNodeCache cache,
      GpuLedger ledger,
      GpuBinder binder,
      ExtenderSettings settings,
      MeterRegistry registry) {
    var weights = settings.weights();
    this.verbs =
        new ExtenderVerbs(
            cache::node,
            ledger::inUse,
            settings.filterPolicy(),
            new GpuPrioritizer(
                new GpuPrioritizer.Weights(
                    weights.packing(), weights.availability(), weights.price())));
    this.binder = binder;
    this.callers = new SchedulerCallers(settings.tls().clients());
    this.refusedCallers =
        Counter.builder("aifabric.extender.refused.callers")
            .description(
                "Calls refused because the client certificate is not the scheduler's (a client"
                    + " with no certificate, or one of another CA, fails the TLS handshake"
                    + " before it gets here)")
            .register(registry);
    for (String verb : VERBS) {
      for (String outcome : OUTCOMES) {
        timers.put(
            verb + "/" + outcome,
            Timer.builder("aifabric.extender.requests")
                .description("Extender requests by verb and outcome")
                .tag("verb", verb)
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(registry));
      }
    }
  }

  void routes(@Observes Router router) {
    router.route(PREFIX + "/*").handler(this::onlyTheScheduler);
    router.route(PREFIX + "/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    router
        .post(PREFIX + "/filter")
        .handler(
            ctx ->
                answer(
                    ctx,
                    "filter",
                    () -> {
                      ExtenderArgs args = read(ctx, ExtenderArgs.class);
                      try {
                        return verbs.filter(args);
                      } catch (IllegalArgumentException e) {
                        return ExtenderFilterResult.error(e.getMessage());
                      }
                    }));
    router
        .post(PREFIX + "/prioritize")
        .handler(
            ctx ->
                answer(ctx, "prioritize", () -> verbs.prioritize(read(ctx, ExtenderArgs.class))));
    router
        .post(PREFIX + "/bind")
        .blockingHandler(
            ctx ->
                answer(
                    ctx,
                    "bind",
                    () -> {
                      ExtenderBindingArgs args = read(ctx, ExtenderBindingArgs.class);
                      try {
                        return binder.bind(args);
                      } catch (IllegalArgumentException e) {
                        return new ExtenderBindingResult(e.getMessage());
                      } catch (KubernetesClientException e) {
                        return new ExtenderBindingResult(
                            "the member's API server did not answer: " + e.getMessage());
                      }
                    }),
            false);
    router.route(PREFIX + "/*").handler(this::unknownVerb);
  }

  private void onlyTheScheduler(RoutingContext ctx) {
    Optional<String> refusal;
    try {
      SSLSession session = ctx.request().sslSession();
      refusal =
          session == null
              ? Optional.of("the extender takes calls over TLS only")
              : callers.refusal((X509Certificate) session.getPeerCertificates()[0]);
    } catch (SSLPeerUnverifiedException e) {
      refusal = Optional.of("no client certificate");
    }
    if (refusal.isEmpty()) {
      ctx.next();
    } else {
      refusedCallers.increment();
      LOG.warnf(
          "refused a call to %s from %s: %s",
          ctx.normalizedPath(), ctx.request().remoteAddress(), refusal.get());
      error(ctx, 403, refusal.get());
    }
  }

  private void unknownVerb(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String verb = path.substring(path.lastIndexOf('/') + 1);
    if (VERBS.contains(verb) && ctx.request().method() != HttpMethod.POST) {
      ctx.response().putHeader("Allow", "POST");
      error(ctx, 405, verb + " takes POST");
    } else {
      error(
          ctx,
          404,
          "unknown extender verb '" + verb + "': this extender serves filter, prioritize and bind");
    }
  }

  @FunctionalInterface
  private interface Answer {
    Object get() throws BadRequest;
  }

  /** A request the extender cannot read: answered with a 400 and why. */
  private static final class BadRequest extends Exception {
    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  private void answer(RoutingContext ctx, String verb, Answer answer) {
    long start = System.nanoTime();
    String outcome = "ok";
    try {
      Object result = answer.get();
      if (result instanceof ExtenderFilterResult f && f.error() != null
          || result instanceof ExtenderBindingResult b && b.error() != null) {
        outcome = "error";
      }
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(json.write(result)));
    } catch (BadRequest | IllegalArgumentException e) {
      outcome = "bad-request";
      error(ctx, 400, e.getMessage());
    } catch (Exception e) {
      // A bug of ours: logged with its stack here, answered with its message only.
      outcome = "failed";
      LOG.errorf(e, "%s failed", verb);
      error(ctx, 500, verb + " failed: " + e);
    } finally {
      timers.get(verb + "/" + outcome).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private <T> T read(RoutingContext ctx, Class<T> type) throws BadRequest {
    var body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new BadRequest("empty body: expected " + type.getSimpleName() + " JSON");
    }
    try {
      return json.read(body.getBytes(), type);
    } catch (JacksonException e) {
      throw new BadRequest(
          "malformed " + type.getSimpleName() + " JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadRequest("unreadable body: " + e.getMessage());
    }
  }

  private void error(RoutingContext ctx, int status, String message) {
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(json.write(Map.of("Error", message))));
    } catch (java.io.IOException e) {
      ctx.response().setStatusCode(status).end();
    }
  }
}
