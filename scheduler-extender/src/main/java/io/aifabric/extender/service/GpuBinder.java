package io.aifabric.extender.service;

import io.aifabric.extender.FilterPolicy;
import io.aifabric.extender.GpuFilter;
import io.aifabric.extender.GpuRequest;
import io.aifabric.extender.NodeGpus;
import io.aifabric.extender.service.GpuLedger.PodRef;
import io.aifabric.extender.service.GpuLedger.Reservation;
import io.aifabric.extender.wire.ExtenderBindingArgs;
import io.aifabric.extender.wire.ExtenderBindingResult;
import io.aifabric.extender.wire.FailedNode;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The bind verb: reserve the pod's GPUs on the node in the {@link GpuLedger} (atomically with every
 * other bind), then create the pod's Binding. Whatever goes wrong gives the GPUs back: a bind the
 * API server refuses at once, and — found by {@link #settleOldReservations} — a pod that vanished
 * or never got bound.
 */
@ApplicationScoped
public class GpuBinder {
  private static final Logger LOG = Logger.getLogger(GpuBinder.class);

  private final KubernetesClient client;
  private final GpuNodeCache cache;
  private final GpuLedger ledger;
  private final ExtenderSettings settings;
  private final FilterPolicy policy;
  private final Clock clock = Clock.systemUTC();
  private final Counter bound;
  private final Counter refused;
  private final Counter failed;

  GpuBinder(
      KubernetesClient client,
      GpuNodeCache cache,
      GpuLedger ledger,
      ExtenderSettings settings,
      MeterRegistry registry) {
    this.client = client;
    this.cache = cache;
    this.ledger = ledger;
    this.settings = settings;
    this.policy = settings.filterPolicy();
    this.bound = binds(registry, "bound");
    this.refused = binds(registry, "refused");
    this.failed = binds(registry, "failed");
    Gauge.builder("aifabric.extender.reservations", ledger, GpuLedger::reservations)
        .description("GPU reservations of binds the pod informer has not confirmed yet")
        .register(registry);
  }

  private static Counter binds(MeterRegistry registry, String outcome) {
    return Counter.builder("aifabric.extender.binds")
        .description("Bind requests by outcome: bound, refused (the node does not fit now), failed")
        .tag("outcome", outcome)
        .register(registry);
  }

  /**
   * @throws IllegalArgumentException for a request that does not name a pod and a node
   */
  public ExtenderBindingResult bind(ExtenderBindingArgs args) {
    if (blank(args.podName()) || blank(args.podNamespace()) || blank(args.podUid())) {
      throw new IllegalArgumentException("bind needs PodName, PodNamespace and PodUID");
    }
    if (blank(args.node())) {
      throw new IllegalArgumentException("bind needs the Node to bind to");
    }
    PodRef ref = new PodRef(args.podNamespace(), args.podName(), args.podUid());
    String shown = ref.namespace() + "/" + ref.name();
    Optional<Pod> found = cache.pod(ref.namespace(), ref.name(), ref.uid()).or(() -> fetch(ref));
    if (found.isEmpty()) {
      return failed("pod " + shown + " (" + ref.uid() + ") no longer exists");
    }
    Pod pod = found.get();
    String boundTo = pod.getSpec().getNodeName();
    if (boundTo != null && !boundTo.isEmpty()) {
      return boundTo.equals(args.node())
          ? ok()
          : failed("pod " + shown + " is already bound to node " + boundTo);
    }
    int gpus = GpuRequest.gpuCount(pod);
    if (gpus == 0) {
      return failed("pod " + shown + " requests no " + GpuRequest.GPU);
    }
    Optional<NodeGpus> node = cache.node(args.node());
    if (node.isEmpty()) {
      return failed("node " + args.node() + " is not in the extender's cache");
    }
    // Bind is a privileged act (the extender holds pods/binding cluster-wide), and its caller
    // need not be the scheduler that ran filter: everything filter checks is checked again here
    // — model, memory, verification, heartbeats, score, tier — so that no request can put a pod
    // on a node filter would have refused. Whether the GPUs are free is the ledger's to say,
    // atomically with other binds (hence the node as if none were in use here).
    GpuFilter.Result verdict =
        GpuFilter.filter(GpuRequest.of(pod), List.of(node.get().withInUse(0)), policy);
    if (verdict.fit().isEmpty()) {
      FailedNode why =
          verdict.unresolvable().isEmpty()
              ? verdict.failed().get(0)
              : verdict.unresolvable().get(0);
      refused.increment();
      return new ExtenderBindingResult(
          "cannot bind " + shown + " to " + args.node() + ": " + why.reason().text());
    }
    Optional<String> notFree =
        ledger.reserve(ref, args.node(), gpus, node.get().allocatable(), clock.instant());
    if (notFree.isPresent()) {
      refused.increment();
      return new ExtenderBindingResult("cannot bind " + shown + ": " + notFree.get());
    }
    return createBinding(ref, args.node());
  }

  private ExtenderBindingResult createBinding(PodRef ref, String node) {
    Binding binding =
        new BindingBuilder()
            .withNewMetadata()
            .withNamespace(ref.namespace())
            .withName(ref.name())
            // The API server binds only this pod, not a new one that took its name.
            .withUid(ref.uid())
            .endMetadata()
            .withNewTarget()
            .withKind("Node")
            .withApiVersion("v1")
            .withName(node)
            .endTarget()
            .build();
    try {
      client.bindings().inNamespace(ref.namespace()).resource(binding).create();
      bound.increment();
      return ok();
    } catch (KubernetesClientException e) {
      if (e.getCode() >= 400 && e.getCode() < 500) {
        // Refused for certain (pod gone, already bound, UID changed): nothing holds the GPUs.
        ledger.release(ref.uid());
      }
      // Otherwise (timeout, connection lost) the Binding may exist: the reservation stays until
      // the informer shows the pod, or settleOldReservations asks the API server.
      return failed(
          "binding "
              + ref.namespace()
              + "/"
              + ref.name()
              + " to "
              + node
              + " failed: "
              + (e.getStatus() != null && e.getStatus().getMessage() != null
                  ? e.getStatus().getMessage()
                  : e.getMessage()));
    }
  }

  /**
   * Reservations the informer has not settled within the timeout: ask the API server about their
   * pods; a pod bound there keeps its GPUs (as a bound pod), any other gives them back.
   */
  @Scheduled(every = "${aifabric.extender.reservation-sweep:5s}", delayed = "5s")
  void settleOldReservations() {
    Instant cutoff = clock.instant().minus(settings.reservationTimeout());
    for (Reservation r : ledger.reservedBefore(cutoff)) {
      try {
        Optional<Pod> pod = fetch(new PodRef(r.podNamespace(), r.podName(), r.podUid()));
        boolean boundThere = pod.isPresent() && r.node().equals(pod.get().getSpec().getNodeName());
        if (boundThere) {
          cache.account(pod.get());
        } else {
          ledger.release(r.podUid());
          LOG.infof(
              "released %d GPUs on %s reserved for %s/%s: the pod %s",
              r.gpus(),
              r.node(),
              r.podNamespace(),
              r.podName(),
              pod.isPresent() ? "was not bound there" : "is gone");
        }
      } catch (KubernetesClientException e) {
        LOG.warnf(
            "cannot check the reservation of %s/%s yet: %s",
            r.podNamespace(), r.podName(), e.getMessage());
      }
    }
  }

  private Optional<Pod> fetch(PodRef ref) {
    Pod pod = client.pods().inNamespace(ref.namespace()).withName(ref.name()).get();
    return pod != null && ref.uid().equals(pod.getMetadata().getUid())
        ? Optional.of(pod)
        : Optional.empty();
  }

  private ExtenderBindingResult failed(String message) {
    failed.increment();
    return new ExtenderBindingResult(message);
  }

  private static ExtenderBindingResult ok() {
    return new ExtenderBindingResult(null);
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
