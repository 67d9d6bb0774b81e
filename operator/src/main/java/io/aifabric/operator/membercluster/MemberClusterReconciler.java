package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.membercluster.GpuCapacity;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterStatus;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.api.v1alpha1.membercluster.SecretKeyRef;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.aijob.StaleWorkCollector;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.membercluster.MemberClients.InvalidKubeconfigException;
import io.aifabric.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Joins member clusters: connect with the kubeconfig from the member's Secret → probe version,
 * nodes and GPU usage → remove work that no longer belongs there → keep ComputeNodes current →
 * report Reachable/Ready and GPU capacity by model. Probes repeat every probe interval; a member
 * that stops answering stays Ready for the grace period, then is lost: not Ready, its ComputeNodes
 * not Available, and (through placement) its jobs move.
 */
@ControllerConfiguration(name = "membercluster")
public class MemberClusterReconciler implements Reconciler<MemberCluster>, Cleaner<MemberCluster> {
  private static final Logger LOG = Logger.getLogger(MemberClusterReconciler.class);
  static final String REACHABLE = "Reachable";
  static final String READY = "Ready";
  static final String JOINED = "Joined";

  private final MemberClients clients;
  private final MemberProbe probe;
  private final ComputeNodeSync computeNodes;
  private final VerifiedNodeLabels nodeLabels;
  private final BrokerCertificates brokerCertificates;
  private final StaleWorkCollector staleWork;
  private final FleetState fleet;
  private final Conditions conditions;
  private final EventRecorder events;
  private final OperatorConfig config;
  private final PullMemberAccess pullAccess;
  private final PullLeases pullLeases;
  private final PullInventory pullInventory;
  private final io.aifabric.operator.aijob.PullDispatch pullDispatch;
  private final MeterRegistry metrics;

  public MemberClusterReconciler(
      MemberClients clients,
      MemberProbe probe,
      ComputeNodeSync computeNodes,
      VerifiedNodeLabels nodeLabels,
      BrokerCertificates brokerCertificates,
      StaleWorkCollector staleWork,
      FleetState fleet,
      Conditions conditions,
      EventRecorder events,
      OperatorConfig config,
      PullMemberAccess pullAccess,
      PullLeases pullLeases,
      PullInventory pullInventory,
      io.aifabric.operator.aijob.PullDispatch pullDispatch,
      MeterRegistry metrics) {
    this.pullDispatch = pullDispatch;
    this.metrics = metrics;
    this.pullInventory = pullInventory;
    this.pullAccess = pullAccess;
    this.pullLeases = pullLeases;
    this.clients = clients;
    this.probe = probe;
    this.computeNodes = computeNodes;
    this.nodeLabels = nodeLabels;
    this.brokerCertificates = brokerCertificates;
    this.staleWork = staleWork;
    this.fleet = fleet;
    this.conditions = conditions;
    this.events = events;
    this.config = config;
  }

  @Override
  public UpdateControl<MemberCluster> reconcile(MemberCluster member, Context<MemberCluster> ctx) {
    String name = member.getMetadata().getName();
    KubernetesClient host = ctx.getClient();
    MemberClusterStatus status = copy(member.getStatus());
    Long generation = member.getMetadata().getGeneration();
    Instant now = conditions.now();
    boolean wasReady = Conditions.isTrue(status.getConditions(), READY);
    if (member.getSpec().isPullMode()) {
      pull(member, host, status, generation, now);
      status.setObservedGeneration(generation);
      return writeIfChanged(member, status, now);
    }
    // aifabric_member_probe_seconds: one probe of a member, its writes included.
    Timer.Sample probeTime = Timer.start(metrics);
    try {
      KubernetesClient client = connect(host, member);
      MemberInventory inventory = probe.probe(client);
      if (!fleet.isReady(name) || fleet.unreachableFor(name, now).isPresent()) {
        // The first answer since this operator started or since the member stopped answering:
        // no copy of a job that moved away, or whose AIJob went while nobody could
        // clean up, keeps running. Only then: it asks the host about every job in the member.
        staleWork.collect(host, name, client);
      }
      var nodes = computeNodes.sync(host, member, inventory);
      NodeMarks marks = new MemberNodeMarks(client);
      nodeLabels.apply(marks, inventory, nodes);
      brokerCertificates.apply(name, marks, inventory, nodes);
      fleet.reached(ClusterViews.of(member, inventory, nodes));
      probeTime.stop(metrics.timer("aifabric.member.probe", "cluster", name));
      record(status, inventory);
      conditions.set(
          status.getConditions(),
          REACHABLE,
          Conditions.TRUE,
          "Probed",
          "the member's API server answers",
          generation);
      conditions.set(
          status.getConditions(),
          READY,
          Conditions.TRUE,
          "Probed",
          status.getGpuNodeCount() + " GPU nodes, " + status.getGpuTotal() + " GPUs",
          generation);
      if (!wasReady) {
        events.record(
            member,
            EventRecorder.NORMAL,
            "MemberReady",
            "joined: "
                + status.getGpuNodeCount()
                + " GPU nodes, "
                + status.getGpuTotal()
                + " GPUs, Kubernetes "
                + status.getKubernetesVersion());
      }
    } catch (ProbeFailure failure) {
      Duration down = fleet.unreachable(name, now);
      conditions.set(
          status.getConditions(),
          REACHABLE,
          failure.reachable() ? Conditions.TRUE : Conditions.FALSE,
          failure.reason(),
          failure.getMessage(),
          generation);
      Duration grace = config.member().gracePeriod();
      if (!wasReady || down.compareTo(grace) >= 0) {
        fleet.notReady(name);
        conditions.set(
            status.getConditions(),
            READY,
            Conditions.FALSE,
            failure.reason(),
            failure.getMessage(),
            generation);
        computeNodes.markUnavailable(
            host, name, "member " + name + " is lost: " + failure.getMessage());
        if (wasReady) {
          LOG.warnf(
              "MemberCluster %s: lost after %ss: %s", name, down.toSeconds(), failure.getMessage());
          events.record(member, EventRecorder.WARNING, "MemberLost", failure.getMessage());
        }
      } else {
        LOG.infof(
            "MemberCluster %s: not answering for %ss (grace %ss): %s",
            name, down.toSeconds(), grace.toSeconds(), failure.getMessage());
      }
    }
    status.setObservedGeneration(generation);
    return writeIfChanged(member, status, now);
  }

  /**
   * A pull member: its place on the host kept, whether its agent joined and renews its Lease, and
   * its GPU nodes as the agent reports them (ComputeNodes, capacity and what placement reads, as
   * for a push member). A Lease not renewed for the grace period loses the member as a failed probe
   * loses a push member: not Ready, its ComputeNodes not Available, its jobs placed again (their
   * work withdrawn on the host). Back, it is Ready only once its agent has removed every withdrawn
   * work from the member.
   */
  private void pull(
      MemberCluster member,
      KubernetesClient host,
      MemberClusterStatus status,
      Long generation,
      Instant now) {
    String name = member.getMetadata().getName();
    String ns = PullMember.namespace(name);
    fleet.pullMember(name);
    boolean wasJoined = Conditions.isTrue(status.getConditions(), JOINED);
    boolean wasReachable = Conditions.isTrue(status.getConditions(), REACHABLE);
    boolean wasReady = Conditions.isTrue(status.getConditions(), READY);
    Optional<Lease> lease = pullAccess.reconcile(host, member, wasJoined);
    if (lease.isEmpty()) {
      if (wasJoined) {
        // Its Lease went with its identity (a re-join revoked it): lost as if the Lease had
        // expired now, so its jobs move after the grace period unless it is back by then.
        String why = "the agent's Lease is gone: its identity was revoked for a re-join";
        fleet.unreachable(name, now);
        computeNodes.markUnavailable(host, name, "member " + name + " is lost: " + why);
        LOG.warnf("MemberCluster %s: lost: %s", name, why);
        events.record(member, EventRecorder.WARNING, "MemberLost", why);
      }
      fleet.notReady(name);
      conditions.set(
          status.getConditions(),
          JOINED,
          Conditions.FALSE,
          "AwaitingAgent",
          "hand the provider a join token (aifabric join-token "
              + name
              + "): the member's agent trades it for an identity of its own in namespace "
              + ns
              + " on the host; a join token works once",
          generation);
      conditions.set(
          status.getConditions(),
          REACHABLE,
          Conditions.FALSE,
          "AwaitingAgent",
          "no agent has joined yet",
          generation);
      conditions.set(
          status.getConditions(),
          READY,
          Conditions.FALSE,
          "AwaitingAgent",
          "no agent has joined yet",
          generation);
      return;
    }
    conditions.set(
        status.getConditions(),
        JOINED,
        Conditions.TRUE,
        "AgentJoined",
        "the agent holds its own identity in " + ns + "; join tokens no longer work",
        generation);
    if (!wasJoined) {
      events.record(member, EventRecorder.NORMAL, "AgentJoined", "the member's agent joined");
    }
    Instant renewed = pullLeases.renewed(name, lease.get(), now);
    boolean fresh = renewed.plus(config.member().gracePeriod()).isAfter(now);
    String seen = "the agent's Lease last changed at " + renewed + " (as this operator saw it)";
    conditions.set(
        status.getConditions(),
        REACHABLE,
        fresh ? Conditions.TRUE : Conditions.FALSE,
        fresh ? "LeaseRenewed" : "LeaseExpired",
        seen,
        generation);
    if (!fresh) {
      // Lost like a push member whose probe fails, since its last renewal: its jobs move.
      fleet.unreachable(name, renewed);
      fleet.notReady(name);
      conditions.set(
          status.getConditions(), READY, Conditions.FALSE, "LeaseExpired", seen, generation);
      computeNodes.markUnavailable(
          host, name, "member " + name + " is lost: its agent stopped renewing; " + seen);
      if (wasReachable) {
        LOG.warnf("MemberCluster %s: lost: %s", name, seen);
        events.record(member, EventRecorder.WARNING, "MemberLost", seen);
      }
      return;
    }
    MemberInventory inventory = pullInventory.of(name, lease.get());
    var nodes = computeNodes.sync(host, member, inventory);
    // What the network says of each node goes into its report; the agent puts it on the Node.
    NodeMarks marks = new ReportNodeMarks(host, ns);
    nodeLabels.apply(marks, inventory, nodes);
    brokerCertificates.apply(name, marks, inventory, nodes);
    record(status, inventory);
    long removing = pullDispatch.beingRemoved(name);
    if (removing > 0) {
      // Back, but copies of work placed elsewhere meanwhile still run there: not yet.
      fleet.notReady(name);
      conditions.set(
          status.getConditions(),
          READY,
          Conditions.FALSE,
          "RemovingStaleWork",
          "the agent is removing "
              + removing
              + " jobs' work that the host withdrew while the member was lost",
          generation);
      return;
    }
    fleet.reached(ClusterViews.of(member, inventory, nodes));
    conditions.set(
        status.getConditions(),
        READY,
        Conditions.TRUE,
        "AgentReporting",
        status.getGpuNodeCount() + " GPU nodes, " + status.getGpuTotal() + " GPUs",
        generation);
    if (!wasReady) {
      events.record(
          member,
          EventRecorder.NORMAL,
          "MemberReady",
          "joined through its agent: "
              + status.getGpuNodeCount()
              + " GPU nodes, "
              + status.getGpuTotal()
              + " GPUs");
    }
  }

  @Override
  public List<EventSource<?, MemberCluster>> prepareEventSources(
      EventSourceContext<MemberCluster> context) {
    return List.of(pullInventory.eventSource(context), pullLeases.eventSource(context));
  }

  @Override
  public DeleteControl cleanup(MemberCluster member, Context<MemberCluster> ctx) {
    String name = member.getMetadata().getName();
    fleet.remove(name);
    clients.forget(name);
    brokerCertificates.forget(name);
    pullLeases.forget(name);
    pullAccess.forget(member);
    // ComputeNodes are owned by the MemberCluster: the garbage collector removes them.
    return DeleteControl.defaultDelete();
  }

  private UpdateControl<MemberCluster> writeIfChanged(
      MemberCluster member, MemberClusterStatus status, Instant now) {
    MemberClusterStatus old = member.getStatus();
    Duration interval = config.member().probeInterval();
    boolean probeTimeStale =
        old == null
            || old.getLastProbeTime() == null
            || Instant.parse(old.getLastProbeTime()).plus(Duration.ofMinutes(1)).isBefore(now);
    status.setLastProbeTime(old == null ? null : old.getLastProbeTime());
    if (!probeTimeStale && Objects.equals(old, status)) {
      // Nothing new: no write (a probe every few seconds must not become an etcd write).
      return UpdateControl.<MemberCluster>noUpdate().rescheduleAfter(interval);
    }
    status.setLastProbeTime(now.toString());
    member.setStatus(status);
    return UpdateControl.patchStatus(member).rescheduleAfter(interval);
  }

  private static void record(MemberClusterStatus status, MemberInventory inventory) {
    status.setKubernetesVersion(inventory.kubernetesVersion());
    status.setNodeCount(inventory.nodeCount());
    status.setGpuNodeCount(inventory.gpuNodes().size());
    Map<String, GpuCapacity> byModel = new TreeMap<>();
    for (GpuNodeInventory node : inventory.gpuNodes()) {
      GpuCapacity c =
          byModel.computeIfAbsent(
              node.product(),
              model -> {
                GpuCapacity capacity = new GpuCapacity();
                capacity.setModel(model);
                capacity.setMemoryMiB(node.memoryMiB());
                capacity.setTotal(0);
                capacity.setAllocatable(0);
                capacity.setInUse(0);
                return capacity;
              });
      c.setTotal(c.getTotal() + node.capacity());
      c.setAllocatable(c.getAllocatable() + node.allocatable());
      c.setInUse(c.getInUse() + inventory.usage(node.nodeName()).total());
    }
    status.setGpuCapacity(new ArrayList<>(byModel.values()));
    status.setGpuTotal(byModel.values().stream().mapToInt(GpuCapacity::getTotal).sum());
  }

  private KubernetesClient connect(KubernetesClient host, MemberCluster member)
      throws ProbeFailure {
    String kubeconfig = kubeconfig(host, member, config.member().secretsNamespace());
    try {
      return clients.clientFor(member.getMetadata().getName(), kubeconfig);
    } catch (InvalidKubeconfigException e) {
      throw new ProbeFailure("InvalidKubeconfig", e.getMessage(), false);
    } catch (InlineKubeconfig.UnsafeKubeconfigException e) {
      throw new ProbeFailure("UnsafeKubeconfig", e.getMessage(), false);
    }
  }

  /**
   * The kubeconfig from the member's Secret, or why it cannot be had.
   *
   * @param allowed the one namespace the operator reads members' Secrets in, if it is told one
   */
  private static String kubeconfig(
      KubernetesClient host, MemberCluster member, Optional<String> allowed) throws ProbeFailure {
    SecretKeyRef ref = member.getSpec().getKubeconfigSecretRef();
    String key = ref.getKey() == null ? "kubeconfig" : ref.getKey();
    String where = ref.getNamespace() + "/" + ref.getName();
    if (allowed.isPresent() && !allowed.get().equals(ref.getNamespace())) {
      throw new ProbeFailure(
          "KubeconfigSecretForbidden",
          "Secret "
              + where
              + " is outside "
              + allowed.get()
              + ", the one namespace this operator reads members' kubeconfigs in: create it there"
              + " and name it in spec.kubeconfigSecretRef",
          false);
    }
    Secret secret;
    try {
      secret = host.secrets().inNamespace(ref.getNamespace()).withName(ref.getName()).get();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 403) {
        throw e;
      }
      // The chart's operator may get Secrets in one namespace only: say so, instead of a retry
      // loop in the log.
      throw new ProbeFailure(
          "KubeconfigSecretForbidden",
          "the operator may not read Secret "
              + where
              + " (HTTP 403): keep members' kubeconfig Secrets in the namespace its RBAC lets it"
              + " read (the control-plane chart's operator.memberSecretsNamespace)",
          false);
    }
    if (secret == null) {
      throw new ProbeFailure(
          "KubeconfigSecretMissing",
          "Secret "
              + where
              + " not found: create it with kubectl create secret generic "
              + ref.getName()
              + " -n "
              + ref.getNamespace()
              + " --from-file="
              + key
              + "=<member kubeconfig>",
          false);
    }
    String data = secret.getData() == null ? null : secret.getData().get(key);
    if (data == null) {
      throw new ProbeFailure(
          "KubeconfigKeyMissing",
          "Secret " + where + " has no key " + key + " holding the member's kubeconfig",
          false);
    }
    return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
  }

  /** A deep copy to change and compare with what the API server holds. */
  private static MemberClusterStatus copy(MemberClusterStatus status) {
    return status == null ? new MemberClusterStatus() : Serialization.clone(status);
  }
}
