package io.aifabric.escrow.audit;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.protocol.DepositKey;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodePublicKey;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealedOutputObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Decides, from what an oracle sees itself, whether a finished AIJob may be paid and how much: the
 * job finished; each replica has a work receipt signed by the registered key of the node that
 * replica ran on (the AIJob's placement; the ComputeNode's registered public key), claiming no more
 * GPU time than the job ran; the escrow holds an open deposit from the job's payer under the job's
 * own key ({@link DepositKey}, derived here from the job's identity, never read from its status or
 * spec: no job can be paid from another's deposit) to the member's provider; the amount ({@link
 * SettlementAmount}) fits the deposit and the budget. For a job whose outputs are sealed to its
 * user's key, each replica's receipt must name a sealed output, and that output must be in the
 * member's object store, of the size the node signed for: a provider is not paid for output the
 * user cannot fetch.
 *
 * <p>The relayer runs the same audit to propose a batch; each oracle runs it again and signs only
 * what it finds itself. Nothing here trusts the operator's own verdicts (Receipted, cost): an
 * operator that was fooled or compromised cannot get a job paid without the nodes' signatures.
 */
public final class JobAudit {
  /** Clock skew and pod start-up allowed between a job's recorded run time and its receipts. */
  static final Duration RUN_TIME_SLACK = Duration.ofSeconds(60);

  /**
   * What the audit looks at. {@code computeNodes} finds a ComputeNode by name, or null; {@code
   * deposit} is asked only once everything else passed (it is a chain call, and most jobs the
   * relayer looks at are still waiting for their receipts).
   */
  public record Inputs(
      String networkId,
      AIJob job,
      MemberCluster member,
      Function<String, ComputeNode> computeNodes,
      List<WorkReceipt.Signed> receipts,
      OutputLookup outputs,
      DepositLookup deposits) {}

  /** The size of an object in a member's object store, or empty when it is not there. */
  @FunctionalInterface
  public interface OutputLookup {
    OptionalLong size(ObjectStore store, String key) throws Exception;
  }

  /** The escrow's deposit under a key from a payer, if there is one. */
  @FunctionalInterface
  public interface DepositLookup {
    Optional<Deposit> find(String payer, byte[] depositKey) throws Exception;
  }

  private JobAudit() {}

  /**
   * A job that pays from an escrow deposit and is not settled yet: one a batch may still take (the
   * planner's candidates among them are those that finished).
   */
  public static boolean awaitsSettlement(AIJob job) {
    var payment = job.getSpec() == null ? null : job.getSpec().getPayment();
    return payment != null
        && payment.paysFromEscrow()
        && (job.getStatus() == null || job.getStatus().getSettlement() == null);
  }

  /**
   * @throws Exception when the deposit could not be read (the chain did not answer)
   */
  public static Verdict audit(Inputs in) throws Exception {
    AIJob job = in.job();
    var payment = job.getSpec().getPayment();
    if (payment == null || !payment.paysFromEscrow()) {
      return Verdict.refused("the job does not pay from escrow");
    }
    var status = job.getStatus();
    if (status == null
        || (status.getPhase() != JobPhase.Succeeded && status.getPhase() != JobPhase.Failed)) {
      return Verdict.refused(
          "the job has not finished (phase " + (status == null ? null : status.getPhase()) + ")");
    }
    if (status.getSettlement() != null) {
      return Verdict.refused(
          "the job is settled already, in " + status.getSettlement().getTxHash());
    }
    Placement placement = status.getPlacement();
    int replicas = job.getSpec().getReplicas() == null ? 1 : job.getSpec().getReplicas();
    if (placement == null
        || placement.getCluster() == null
        || placement.getPricePerGpuHour() == null
        || placement.getNodes() == null
        || placement.getNodes().size() != replicas
        || placement.getNodes().stream().anyMatch(Objects::isNull)) {
      return Verdict.refused("the job's placement does not name a node for each replica");
    }
    if (in.member() == null
        || !placement.getCluster().equals(in.member().getMetadata().getName())) {
      return Verdict.refused("member cluster " + placement.getCluster() + " is not known");
    }
    Duration ran;
    try {
      ran =
          Duration.between(
              Instant.parse(status.getStartTime()), Instant.parse(status.getEndTime()));
    } catch (NullPointerException | DateTimeParseException e) {
      return Verdict.refused("the job has no recorded start and end time");
    }
    int gpus = job.getSpec().getResources().getGpusPerReplica();
    long mostGpuSeconds = gpus * ran.plus(RUN_TIME_SLACK).toSeconds();

    long gpuSeconds = 0;
    List<WorkReceipt> byReplica = new ArrayList<>();
    for (int replica = 0; replica < replicas; replica++) {
      String node = placement.getNodes().get(replica);
      Replica checked = receiptOf(in, placement.getCluster(), node, replica);
      if (checked.refusal() != null) {
        return Verdict.refused(checked.refusal());
      }
      long claimed = checked.receipt().gpuSeconds();
      if (claimed > mostGpuSeconds) {
        return Verdict.refused(
            "replica "
                + replica
                + " claims "
                + claimed
                + " GPU-seconds; the job ran "
                + ran.toSeconds()
                + " s on "
                + gpus
                + " GPUs per replica");
      }
      gpuSeconds += claimed;
      byReplica.add(checked.receipt());
    }
    if (job.getSpec().getEncryption() != null) {
      String missing = sealedOutputRefusal(in, byReplica);
      if (missing != null) {
        return Verdict.refused(missing);
      }
    }

    var meta = job.getMetadata();
    byte[] key = DepositKey.of(in.networkId(), meta.getNamespace(), meta.getName(), meta.getUid());
    Optional<Deposit> found = in.deposits().find(payment.getPayer(), key);
    if (found.isEmpty()) {
      return Verdict.refused(
          "the escrow holds no deposit from "
              + payment.getPayer()
              + " under the job's key "
              + Hex.encode(key));
    }
    Deposit deposit = found.get();
    if (deposit.closed()) {
      return Verdict.refused(
          "escrow job " + deposit.escrowJobId() + " is closed (settled or refunded)");
    }
    if (!sameAddress(deposit.payer(), payment.getPayer())) {
      return Verdict.refused(
          "the deposit was made by "
              + deposit.payer()
              + ", not the job's payer "
              + payment.getPayer());
    }
    String wallet = in.member().getSpec().getProviderWallet();
    if (!sameAddress(deposit.provider(), wallet)) {
      return Verdict.refused(
          "the deposit pays "
              + deposit.provider()
              + ", not the provider of "
              + placement.getCluster()
              + " ("
              + wallet
              + ")");
    }
    long used =
        Math.min(
            SettlementAmount.gwei(placement.getPricePerGpuHour(), gpuSeconds),
            Math.min(deposit.maxGwei(), SettlementAmount.gwei(payment.getBudget())));
    return Verdict.payable(new SettlementEntry(deposit.escrowJobId(), deposit.providerId(), used));
  }

  /**
   * Why the sealed outputs the receipts name cannot be paid for, or null when each is in the
   * member's store with the size its node signed for. Looked up at the key every party derives from
   * the job, never at an address a status names.
   */
  private static String sealedOutputRefusal(Inputs in, List<WorkReceipt> byReplica)
      throws Exception {
    ObjectStore store = in.member().getSpec().getObjectStore();
    if (store == null) {
      return "the job's outputs are sealed, but member "
          + in.member().getMetadata().getName()
          + " has no object store";
    }
    for (WorkReceipt receipt : byReplica) {
      int replica = receipt.replica();
      if (!receipt.sealed()) {
        return "replica " + replica + "'s receipt names no sealed output";
      }
      if (receipt.sealedBytes() == 0) {
        return "replica " + replica + "'s sealing sidecar reported no sealed output";
      }
      String key = SealedOutputObjects.key(in.networkId(), receipt.jobUid(), replica);
      OptionalLong stored = in.outputs().size(store, key);
      if (stored.isEmpty()) {
        return "replica "
            + replica
            + "'s sealed output "
            + key
            + " is not in "
            + in.member().getMetadata().getName()
            + "'s object store";
      }
      if (stored.getAsLong() != receipt.sealedBytes()) {
        return "replica "
            + replica
            + "'s sealed output "
            + key
            + " holds "
            + stored.getAsLong()
            + " bytes; its receipt signs for "
            + receipt.sealedBytes();
      }
    }
    return null;
  }

  private record Replica(WorkReceipt receipt, String refusal) {}

  /** The receipt of one replica signed by the registered key of the node it ran on. */
  private static Replica receiptOf(Inputs in, String cluster, String node, int replica) {
    String name = cluster + "." + node;
    ComputeNode computeNode = in.computeNodes().apply(name);
    var identity =
        computeNode == null || computeNode.getStatus() == null
            ? null
            : computeNode.getStatus().getIdentity();
    if (identity == null || identity.getPublicKey() == null) {
      return new Replica(null, "node " + name + " (replica " + replica + ") has no registered key");
    }
    NodePublicKey key;
    try {
      key = NodePublicKey.fromBytes(Hex.decode(identity.getPublicKey(), 64));
    } catch (IllegalArgumentException e) {
      return new Replica(null, "node " + name + " has an unreadable registered key");
    }
    String uid = in.job().getMetadata().getUid();
    boolean someoneElseSigned = false;
    for (WorkReceipt.Signed signed : in.receipts()) {
      WorkReceipt r = signed.receipt();
      if (r.replica() != replica || !uid.equals(r.jobUid())) {
        continue;
      }
      if (r.node().equals(key.address()) && key.verifies(r.digest(), signed.signature())) {
        return new Replica(r, null);
      }
      someoneElseSigned = true;
    }
    return new Replica(
        null,
        someoneElseSigned
            ? "the receipts for replica "
                + replica
                + " are not signed by the registered key of "
                + name
                + " (forged)"
            : "replica " + replica + " has no receipt from " + name);
  }

  private static boolean sameAddress(String a, String b) {
    return a != null && b != null && a.toLowerCase(Locale.ROOT).equals(b.toLowerCase(Locale.ROOT));
  }
}
