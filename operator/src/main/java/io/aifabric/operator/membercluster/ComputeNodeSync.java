package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.Availability;
import io.aifabric.api.v1alpha1.computenode.ChainRegistrationSignature;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeSpec;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.GpuInventory;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.api.v1alpha1.computenode.SlashingEvent;
import io.aifabric.api.v1alpha1.computenode.Verification;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.proof.AvailabilityLedger;
import io.aifabric.operator.proof.GpuUuidRegistry;
import io.aifabric.operator.proof.HardwareReports;
import io.aifabric.operator.proof.NodeKeys;
import io.aifabric.operator.proof.RegistrationCheck;
import io.aifabric.operator.stake.NodeRewardsStatus;
import io.aifabric.operator.stake.NodeStakeStatus;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.HardwareJudge;
import io.aifabric.protocol.HardwareReport;
import io.aifabric.protocol.HeartbeatVerifier;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.NodeRegistration;
import io.aifabric.protocol.chain.SignedChainRegistration;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps one ComputeNode per GPU node of a member, named {@code <cluster>.<node>}: created when a
 * GPU node appears, its inventory and Schedulable/Available conditions kept current, deleted when
 * the node goes. Owned by the MemberCluster, so they go with it.
 */
@ApplicationScoped
public class ComputeNodeSync {
  private static final Logger LOG = Logger.getLogger(ComputeNodeSync.class);
  public static final String CLUSTER_LABEL = "aifabric.io/cluster";
  static final String REGISTERED = "Registered";

  private final Conditions conditions;
  private final NodeKeys keys;
  private final AvailabilityLedger ledger;
  private final HeartbeatVerifier heartbeats;
  private final HardwareReports hardware;
  private final GpuUuidRegistry gpuUuids;
  private final ProbeWrites writes;
  private final NodeStakeStatus stakes;
  private final NodeRewardsStatus rewards;
  private final Duration availabilityWriteInterval;
  private final Map<String, CheckedRegistration> checkedRegistrations = new ConcurrentHashMap<>();
  private final Map<String, CheckedChainRegistration> checkedChainRegistrations =
      new ConcurrentHashMap<>();

  /** A ComputeNode and the status the probe found for it. */
  private record StatusWrite(ComputeNode node, ComputeNodeStatus status) {}

  /** A node's registration annotation as last seen, and what checking it found. */
  private record CheckedRegistration(String annotation, RegistrationCheck.Result result) {}

  public ComputeNodeSync(
      Conditions conditions,
      NodeKeys keys,
      AvailabilityLedger ledger,
      HeartbeatVerifier heartbeats,
      HardwareReports hardware,
      GpuUuidRegistry gpuUuids,
      ProbeWrites writes,
      NodeStakeStatus stakes,
      NodeRewardsStatus rewards,
      OperatorConfig config) {
    this.writes = writes;
    this.stakes = stakes;
    this.rewards = rewards;
    this.conditions = conditions;
    this.keys = keys;
    this.ledger = ledger;
    this.heartbeats = heartbeats;
    this.hardware = hardware;
    this.gpuUuids = gpuUuids;
    this.availabilityWriteInterval = config.proof().statusInterval();
  }

  public static String name(String cluster, String node) {
    return cluster + "." + node;
  }

  /** Brings the member's ComputeNodes in line with its inventory; returns them by node name. */
  public Map<String, ComputeNode> sync(
      KubernetesClient host, MemberCluster member, MemberInventory inventory) {
    String cluster = member.getMetadata().getName();
    Map<String, ComputeNode> existing = new HashMap<>();
    for (ComputeNode cn : list(host, cluster)) {
      existing.put(cn.getSpec().getNodeName(), cn);
    }
    List<GpuNodeInventory> appeared =
        inventory.gpuNodes().stream().filter(n -> !existing.containsKey(n.nodeName())).toList();
    for (ComputeNode created :
        writes.each(appeared, n -> host.resource(newComputeNode(member, n.nodeName())).create())) {
      existing.put(created.getSpec().getNodeName(), created);
    }
    List<StatusWrite> statusWrites = new ArrayList<>();
    for (GpuNodeInventory node : inventory.gpuNodes()) {
      ComputeNode cn = existing.remove(node.nodeName());
      ComputeNodeStatus status = copy(cn.getStatus());
      status.setGpu(inventoryOf(node));
      String ready = node.schedulable() ? Conditions.TRUE : Conditions.FALSE;
      conditions.set(
          status.getConditions(),
          "Schedulable",
          ready,
          node.schedulable() ? "NodeReady" : node.ready() ? "NodeCordoned" : "NodeNotReady",
          node.schedulable()
              ? "the member's node is Ready and accepts pods"
              : node.ready() ? "the member's node is cordoned" : "the member's node is not Ready",
          cn.getMetadata().getGeneration());
      conditions.set(
          status.getConditions(),
          "Available",
          ready,
          node.ready() ? "NodeReady" : "NodeNotReady",
          node.ready()
              ? "the member reports the node Ready"
              : "the member reports the node not Ready",
          cn.getMetadata().getGeneration());
      if (Conditions.find(status.getConditions(), "Verified").isEmpty()) {
        conditions.set(
            status.getConditions(),
            "Verified",
            Conditions.UNKNOWN,
            "AwaitingNodeAgent",
            "no node agent has reported measurements for this node yet",
            cn.getMetadata().getGeneration());
      }
      applyRegistration(cluster, node, cn, status);
      stakes.apply(cn, status);
      rewards.apply(status);
      applyAvailability(node, cn, status);
      applyVerification(node, cn, status);
      statusWrites.add(new StatusWrite(cn, status));
    }
    Map<String, ComputeNode> current = new HashMap<>();
    for (ComputeNode written :
        writes.each(statusWrites, w -> writeStatusIfChanged(host, w.node(), w.status()))) {
      current.put(written.getSpec().getNodeName(), written);
    }
    for (ComputeNode gone : existing.values()) {
      LOG.infof("ComputeNode %s: node left member %s", gone.getMetadata().getName(), cluster);
      keys.forget(gone.getMetadata().getName());
      checkedRegistrations.remove(gone.getMetadata().getName());
      checkedChainRegistrations.remove(gone.getMetadata().getName());
      hardware.forget(gone.getMetadata().getName());
      gpuUuids.release(gone.getMetadata().getName());
      host.resource(gone).delete();
    }
    return current;
  }

  /**
   * Records the node agent's registration when the member's Node carries a valid one for this very
   * node: its keys go to status and to the key directory heartbeats are checked against. Anything
   * else leaves the node without a registered key, and Registered says why.
   */
  private void applyRegistration(
      String cluster, GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
    String name = cn.getMetadata().getName();
    Long generation = cn.getMetadata().getGeneration();
    // The annotation rarely changes: its check (a decode and a signature) is done once per text.
    RegistrationCheck.Result result =
        checkedRegistrations
            .compute(
                name,
                (k, last) ->
                    last != null && Objects.equals(last.annotation(), node.registration())
                        ? last
                        : new CheckedRegistration(
                            node.registration(),
                            RegistrationCheck.check(cluster, node.nodeName(), node.registration())))
            .result();
    if (!result.accepted()) {
      keys.forget(name);
      status.setIdentity(null);
      conditions.set(
          status.getConditions(),
          REGISTERED,
          "AwaitingNodeAgent".equals(result.reason()) ? Conditions.UNKNOWN : Conditions.FALSE,
          result.reason(),
          result.message(),
          generation);
      return;
    }
    NodeRegistration registration = result.registration();
    if (!keys.register(name, registration.key())) {
      status.setIdentity(null);
      conditions.set(
          status.getConditions(),
          REGISTERED,
          Conditions.FALSE,
          "KeyInUse",
          "key "
              + registration.key().address().checksummed()
              + " is already registered by "
              + keys.holderOtherThan(name, registration.key().address()).orElse("another node"),
          generation);
      return;
    }
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(registration.key().address().checksummed());
    identity.setPublicKey(Hex.encode(registration.key().toBytes()));
    identity.setX25519PublicKey(Hex.encode(registration.x25519PublicKey()));
    identity.setBrokerKey(Hex.encode(registration.brokerKey()));
    // Checked once per annotation text, like the registration: a signature check per probe and
    // node would cost the probe more than all its other work.
    identity.setChainRegistration(
        checkedChainRegistrations
            .compute(
                name,
                (k, last) ->
                    last != null
                            && Objects.equals(last.annotation(), node.chainRegistration())
                            && Objects.equals(last.key(), identity.getPublicKey())
                        ? last
                        : new CheckedChainRegistration(
                            node.chainRegistration(),
                            identity.getPublicKey(),
                            chainRegistration(node, registration)))
            .signature());
    status.setIdentity(identity);
    conditions.set(
        status.getConditions(),
        REGISTERED,
        Conditions.TRUE,
        "Registered",
        result.message(),
        generation);
  }

  /**
   * The node's signed NodeRegistry registration, when it carries one its registered key signed;
   * anything else is not passed on (a provider would submit a signature the registry refuses).
   */
  /** A node's chain-registration annotation as last seen, for which key, and what it checked as. */
  private record CheckedChainRegistration(
      String annotation, String key, ChainRegistrationSignature signature) {}

  private static ChainRegistrationSignature chainRegistration(
      GpuNodeInventory node, NodeRegistration registration) {
    if (node.chainRegistration() == null) {
      return null;
    }
    try {
      SignedChainRegistration signed = SignedChainRegistration.parse(node.chainRegistration());
      if (!signed.signedBy(registration.key())) {
        return null;
      }
      ChainRegistrationSignature out = new ChainRegistrationSignature();
      out.setChainId(signed.chainId());
      out.setRegistry(signed.registry().toLowerCase(java.util.Locale.ROOT));
      out.setProvider(signed.registration().provider().toLowerCase(java.util.Locale.ROOT));
      out.setNonce(signed.registration().nonce());
      out.setSignature(signed.signature().toString());
      return out;
    } catch (MalformedMessageException e) {
      return null;
    }
  }

  /**
   * For a node with a registered agent, Available follows its heartbeats: fresh (within three
   * intervals) or missed. Availability (last heartbeat, epoch uptime, score) is written at most
   * once per status interval, whatever the heartbeat rate.
   */
  private void applyAvailability(GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
    if (status.getIdentity() == null || !node.ready()) {
      return;
    }
    EthAddress address = EthAddress.parse(status.getIdentity().getAddress());
    Availability written = status.getAvailability();
    if (written != null && written.getLastSequence() != null) {
      // After a restart: heartbeats up to the last one recorded stay refused.
      heartbeats.seed(address, written.getLastSequence());
    }
    if (written != null
        && written.getEpoch() != null
        && written.getEpochHeartbeats() != null
        && written.getLastHeartbeat() != null) {
      // After a restart: the epoch goes on from its recorded count (once per node).
      ledger.restore(
          address,
          written.getEpoch(),
          written.getEpochHeartbeats(),
          Instant.parse(written.getLastHeartbeat()),
          written.getLastSequence() == null ? 0 : written.getLastSequence(),
          written.getScore());
    }
    Instant now = conditions.now();
    var snapshot = ledger.snapshot(address, now);
    if (snapshot.isPresent() && isDue(written, snapshot.get())) {
      Availability availability = new Availability();
      availability.setLastHeartbeat(snapshot.get().lastHeartbeat().toString());
      availability.setLastSequence(snapshot.get().lastSequence());
      availability.setEpoch(snapshot.get().epoch());
      availability.setEpochUptimePpm(snapshot.get().epochUptimePpm());
      availability.setEpochHeartbeats(snapshot.get().epochHeartbeats());
      availability.setScore(snapshot.get().score());
      status.setAvailability(availability);
    }
    boolean fresh = ledger.isFresh(address, now);
    conditions.set(
        status.getConditions(),
        "Available",
        fresh ? Conditions.TRUE : Conditions.FALSE,
        fresh ? "HeartbeatFresh" : "HeartbeatMissed",
        fresh
            ? "the node agent's signed heartbeats arrive"
            : snapshot
                .map(s -> "no heartbeat since " + s.lastHeartbeat())
                .orElse("no heartbeat from the node agent since the operator started"),
        cn.getMetadata().getGeneration());
  }

  /**
   * Judges the node agent's latest signed hardware report against the node's listing and every
   * other node's GPU UUIDs: Verified=True when it measured what is listed; otherwise Verified=False
   * with the first reason, and a slashing case per finding, with the digest of the node's own
   * signed report as evidence.
   */
  private void applyVerification(GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
    String name = cn.getMetadata().getName();
    if (status.getIdentity() == null) {
      return;
    }
    Optional<HardwareReport> latest = hardware.latest(name);
    if (latest.isEmpty()) {
      return;
    }
    HardwareReport report = latest.get();
    List<HardwareJudge.Finding> findings =
        new ArrayList<>(
            HardwareJudge.judge(report, node.product(), node.memoryMiB(), node.capacity()));
    Set<String> sharing =
        gpuUuids.claim(name, report.gpus().stream().map(HardwareReport.Gpu::uuid).toList());
    if (!sharing.isEmpty()) {
      findings.add(
          new HardwareJudge.Finding(
              "DuplicateGpuUuid", "GPU UUIDs also reported by " + String.join(", ", sharing)));
    }
    Verification verification = new Verification();
    verification.setMethod(report.method());
    verification.setVerifiedAt(Instant.ofEpochMilli(report.measuredAtMillis()).toString());
    report.gpus().stream()
        .mapToInt(HardwareReport.Gpu::measuredMiB)
        .min()
        .ifPresent(verification::setMeasuredVramMiB);
    report.gpus().stream()
        .mapToLong(HardwareReport.Gpu::benchmark)
        .min()
        .ifPresent(verification::setBenchmarkScore);
    status.setVerification(verification);
    Long generation = cn.getMetadata().getGeneration();
    if (findings.isEmpty()) {
      conditions.set(
          status.getConditions(),
          "Verified",
          Conditions.TRUE,
          "MeasuredAsListed",
          report.gpus().size() + " GPUs measured as listed (" + report.method() + ")",
          generation);
      return;
    }
    conditions.set(
        status.getConditions(),
        "Verified",
        Conditions.FALSE,
        findings.get(0).reason(),
        String.join("; ", findings.stream().map(HardwareJudge.Finding::message).toList()),
        generation);
    String evidence = "keccak256:" + Hex.encode(report.digest());
    for (HardwareJudge.Finding finding : findings) {
      boolean known =
          status.getSlashingEvents().stream()
              .anyMatch(
                  e -> finding.reason().equals(e.getReason()) && evidence.equals(e.getEvidence()));
      if (!known) {
        SlashingEvent event = new SlashingEvent();
        event.setReason(finding.reason());
        event.setMessage(finding.message());
        event.setTime(conditions.now().toString());
        event.setEvidence(evidence);
        status.getSlashingEvents().add(event);
        LOG.warnf(
            "ComputeNode %s: slashing case %s: %s", name, finding.reason(), finding.message());
      }
    }
  }

  private boolean isDue(Availability written, AvailabilityLedger.Snapshot now) {
    if (written == null || written.getLastHeartbeat() == null) {
      return true;
    }
    if (!java.util.Objects.equals(written.getEpoch(), now.epoch())
        || !java.util.Objects.equals(written.getScore(), now.score())) {
      return true;
    }
    Instant last = Instant.parse(written.getLastHeartbeat());
    return !last.plus(availabilityWriteInterval).isAfter(now.lastHeartbeat());
  }

  /** The member is lost: none of its nodes is available. */
  public void markUnavailable(KubernetesClient host, String cluster, String message) {
    writes.each(
        list(host, cluster),
        cn -> {
          ComputeNodeStatus status = copy(cn.getStatus());
          conditions.set(
              status.getConditions(),
              "Available",
              Conditions.FALSE,
              "ClusterUnreachable",
              message,
              cn.getMetadata().getGeneration());
          return writeStatusIfChanged(host, cn, status);
        });
  }

  private static java.util.List<ComputeNode> list(KubernetesClient host, String cluster) {
    return host.resources(ComputeNode.class).withLabel(CLUSTER_LABEL, cluster).list().getItems();
  }

  private ComputeNode writeStatusIfChanged(
      KubernetesClient host, ComputeNode cn, ComputeNodeStatus status) {
    if (Objects.equals(cn.getStatus(), status)) {
      return cn;
    }
    cn.setStatus(status);
    try {
      // Optimistic: a concurrent writer (the node-agent pipeline) wins, and the next probe retries.
      return host.resource(cn).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return cn;
      }
      throw e;
    }
  }

  private static ComputeNode newComputeNode(MemberCluster member, String node) {
    String cluster = member.getMetadata().getName();
    ComputeNode cn = new ComputeNode();
    cn.setMetadata(
        new ObjectMetaBuilder()
            .withName(name(cluster, node))
            .addToLabels(CLUSTER_LABEL, cluster)
            .addToOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(member.getApiVersion())
                    .withKind(member.getKind())
                    .withName(cluster)
                    .withUid(member.getMetadata().getUid())
                    .build())
            .build());
    ComputeNodeSpec spec = new ComputeNodeSpec();
    spec.setCluster(cluster);
    spec.setNodeName(node);
    cn.setSpec(spec);
    return cn;
  }

  private static GpuInventory inventoryOf(GpuNodeInventory node) {
    GpuInventory gpu = new GpuInventory();
    gpu.setProduct(node.product());
    gpu.setMemoryMiB(node.memoryMiB());
    gpu.setCount(node.capacity());
    gpu.setDriverVersion(node.driverVersion());
    gpu.setCudaVersion(node.cudaVersion());
    return gpu;
  }

  /** A deep copy to change and compare with what the API server holds. */
  private static ComputeNodeStatus copy(ComputeNodeStatus status) {
    return status == null ? new ComputeNodeStatus() : Serialization.clone(status);
  }
}
