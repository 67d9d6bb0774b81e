package io.aifabric.console.web;

import io.aifabric.console.chain.ChainFiguresSource;
import io.aifabric.console.chain.DepositSource;
import io.aifabric.console.state.NetworkState;
import io.aifabric.console.view.BatchView;
import io.aifabric.console.view.DepositCheck;
import io.aifabric.console.view.JobView;
import io.aifabric.console.view.NodeView;
import io.aifabric.console.view.TimelineEntry;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * The pages, rendered from {@link NetworkState} with Qute's HTML templates: every value is escaped
 * (names, reasons and messages come from providers, nodes and users, and are text, never markup). A
 * page that names something the network does not have is the "missing" page (a 404).
 */
@ApplicationScoped
public class ConsolePages {
  /** The most rows a list page shows; search finds the rest. */
  static final int ROWS = 500;

  private final NetworkState state;
  private final ChainFiguresSource chain;
  private final DepositSource deposits;
  private final Template network;
  private final Template member;
  private final Template node;
  private final Template job;
  private final Template joblist;
  private final Template batch;
  private final Template search;
  private final Template missing;

  ConsolePages(
      NetworkState state,
      ChainFiguresSource chain,
      DepositSource deposits,
      @Location("network.html") Template network,
      @Location("member.html") Template member,
      @Location("node.html") Template node,
      @Location("job.html") Template job,
      @Location("joblist.html") Template joblist,
      @Location("batch.html") Template batch,
      @Location("search.html") Template search,
      @Location("missing.html") Template missing) {
    this.state = state;
    this.chain = chain;
    this.deposits = deposits;
    this.network = network;
    this.member = member;
    this.node = node;
    this.job = job;
    this.joblist = joblist;
    this.batch = batch;
    this.search = search;
    this.missing = missing;
  }

  /** A rendered page and its HTTP status. */
  public record Page(int status, String html) {}

  public Page network() {
    return ok(
        network
            .data("s", state.summary())
            .data("members", state.members())
            .data("chain", chain.figures().orElse(null)));
  }

  public Page member(String name) {
    return state
        .member(name)
        .map(
            m -> {
              List<NodeView> nodes = state.nodesOf(name);
              return ok(
                  member
                      .data("m", m)
                      .data("nodes", nodes)
                      .data("shown", nodes.subList(0, Math.min(ROWS, nodes.size()))));
            })
        .orElseGet(() -> missing("member " + name));
  }

  public Page node(String name) {
    return state
        .node(name)
        .map(n -> ok(node.data("n", n).data("jobs", state.jobsOn(n))))
        .orElseGet(() -> missing("node " + name));
  }

  public Page job(String namespace, String name) {
    return state
        .job(namespace, name)
        .map(
            j -> {
              List<BatchView> batches = state.batchesOf(j);
              Optional<BatchView> settledIn =
                  batches.stream().filter(b -> b.name().equals(j.batch())).findFirst();
              List<TimelineEntry> timeline = TimelineEntry.of(j.conditions(), state.eventsOf(j));
              return ok(
                  job.data("j", j)
                      .data("batches", batches)
                      .data("settledIn", settledIn.orElse(null))
                      .data("deposit", depositOf(j).orElse(null))
                      .data("timeline", timeline));
            })
        .orElseGet(() -> missing("job " + namespace + "/" + name));
  }

  /** The job's deposit as the chain holds it, once the operator has found it. */
  private Optional<DepositCheck> depositOf(JobView j) {
    if (j.funding() == null || j.funding().escrowJobId() == null) {
      return Optional.empty();
    }
    return deposits.deposit(j.funding().escrowJobId()).map(d -> DepositCheck.of(j, d));
  }

  public Page jobs(String phase) {
    List<JobView> jobs = state.jobs(phase);
    return ok(
        joblist
            .data("phase", phase)
            .data("total", jobs.size())
            .data("jobs", jobs.subList(0, Math.min(ROWS, jobs.size()))));
  }

  public Page batch(String namespace, String name) {
    return state
        .batch(namespace, name)
        .map(b -> ok(batch.data("b", b)))
        .orElseGet(() -> missing("settlement batch " + namespace + "/" + name));
  }

  public Page search(String query) {
    String q = query == null ? "" : query;
    return ok(search.data("query", q).data("hits", state.search(q)));
  }

  public Page missing(String what) {
    return new Page(404, missing.data("what", what).render());
  }

  private static Page ok(TemplateInstance page) {
    return new Page(200, page.render());
  }
}
