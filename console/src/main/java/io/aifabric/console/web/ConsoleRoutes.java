package io.aifabric.console.web;

import io.aifabric.console.state.NetworkState;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.function.Function;

/**
 * The console's HTTP surface: GET pages, {@code GET /live} (server-sent events: a {@code change}
 * event when the network changed, at most one a second, so a page updates without a reload), and
 * nothing else: every other method is a 405. The security headers (CSP without inline scripts or
 * styles, no framing, no sniffing, no referrer) are set for every response in
 * application.properties, static files included.
 */
@ApplicationScoped
public class ConsoleRoutes {
  /** How often an open /live stream looks at the network's version. */
  static final long LIVE_CHECK_MILLIS = 1000;

  private final ConsolePages pages;
  private final NetworkState state;
  private final Vertx vertx;

  ConsoleRoutes(ConsolePages pages, NetworkState state, Vertx vertx) {
    this.pages = pages;
    this.state = state;
    this.vertx = vertx;
  }

  void routes(@Observes Router router) {
    // Read-only: no method but GET and HEAD reaches anything, static files included.
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            rc -> {
              HttpMethod method = rc.request().method();
              if (HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method)) {
                rc.next();
              } else {
                rc.response().setStatusCode(405).putHeader("Allow", "GET, HEAD").end();
              }
            });
    page(router, "/", rc -> pages.network());
    page(router, "/members/:name", rc -> pages.member(rc.pathParam("name")));
    page(router, "/nodes/:name", rc -> pages.node(rc.pathParam("name")));
    page(router, "/jobs", rc -> pages.jobs(rc.queryParams().get("phase")));
    page(
        router,
        "/jobs/:namespace/:name",
        rc -> pages.job(rc.pathParam("namespace"), rc.pathParam("name")));
    page(
        router,
        "/batches/:namespace/:name",
        rc -> pages.batch(rc.pathParam("namespace"), rc.pathParam("name")));
    page(router, "/search", rc -> pages.search(rc.queryParams().get("q")));
    router.get("/live").handler(this::live);
  }

  private void page(
      Router router, String path, Function<RoutingContext, ConsolePages.Page> render) {
    // Rendering reads memory only, but a page of hundreds of rows is worth keeping off the event
    // loop.
    router
        .get(path)
        .blockingHandler(
            rc -> {
              ConsolePages.Page page = render.apply(rc);
              rc.response()
                  .setStatusCode(page.status())
                  .putHeader("Content-Type", "text/html; charset=utf-8")
                  .putHeader("Cache-Control", "no-store")
                  .end(page.html());
            },
            false);
  }

  private void live(RoutingContext rc) {
    HttpServerResponse response = rc.response();
    response
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.write("retry: 3000\n\n");
    long[] seen = {state.version()};
    long timer =
        vertx.setPeriodic(
            LIVE_CHECK_MILLIS,
            id -> {
              long now = state.version();
              if (now != seen[0]) {
                seen[0] = now;
                response.write("event: change\ndata: " + now + "\n\n");
              }
            });
    response.closeHandler(closed -> vertx.cancelTimer(timer));
  }
}
