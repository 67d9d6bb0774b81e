package io.aifabric.escrow.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.Encryption;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Payment;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.aijob.Settlement;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.api.v1alpha1.computenode.NodeIdentity;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberClusterSpec;
import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import io.aifabric.escrow.SettlementEntry;
import io.aifabric.protocol.DepositKey;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.NodeKey;
import io.aifabric.protocol.WorkReceipt;
import io.aifabric.protocol.seal.SealedOutputObjects;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audit every oracle runs before it signs, on real keys and signatures: a two-replica job on
 * two nodes, paid at 3.6 per GPU-hour (1,000,000 gwei per GPU-second), from a 0.5-ether deposit.
 */
class JobAuditTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String PAYER = "0x1111111111111111111111111111111111111111";
  private static final String PROVIDER = "0x2222222222222222222222222222222222222222";
  private static final String UID = "7f3c2d0e-0000-4000-8000-000000000001";

  private final NodeKey nodeA = NodeKey.generate(RANDOM);
  private final NodeKey nodeB = NodeKey.generate(RANDOM);
  private final Map<String, ComputeNode> computeNodes = new HashMap<>();
  private final List<WorkReceipt.Signed> receipts = new ArrayList<>();
  private AIJob job;
  private MemberCluster member;
  private Deposit deposit;
  private String depositor = PAYER;

  /** The member's object store as the oracle finds it: object key → size. */
  private final Map<String, Long> stored = new HashMap<>();

  @BeforeEach
  void finishedJob() {
    job = new AIJob();
    job.getMetadata().setName("train");
    job.getMetadata().setNamespace("team");
    job.getMetadata().setUid(UID);
    AIJobSpec spec = new AIJobSpec();
    GpuResources resources = new GpuResources();
    resources.setGpusPerReplica(2);
    spec.setResources(resources);
    spec.setReplicas(2);
    Payment payment = new Payment();
    payment.setPayer(PAYER);
    payment.setEscrow(true);
    payment.setBudget("10");
    spec.setPayment(payment);
    job.setSpec(spec);
    AIJobStatus status = new AIJobStatus();
    status.setPhase(JobPhase.Succeeded);
    status.setStartTime("2026-11-29T10:00:00Z");
    status.setEndTime("2026-11-29T10:01:40Z"); // 100 s
    Placement placement = new Placement();
    placement.setCluster("dc-1");
    placement.setNodes(List.of("gpu-a", "gpu-b"));
    placement.setPricePerGpuHour("3.6");
    status.setPlacement(placement);
    job.setStatus(status);

    member = new MemberCluster();
    member.getMetadata().setName("dc-1");
    MemberClusterSpec memberSpec = new MemberClusterSpec();
    memberSpec.setProviderWallet(PROVIDER.toUpperCase().replace("0X", "0x"));
    member.setSpec(memberSpec);

    register("dc-1.gpu-a", nodeA);
    register("dc-1.gpu-b", nodeB);
    deposit =
        new Deposit(
            42, PAYER, PROVIDER, 3, new BigInteger("500000000000000000"), 2_000_000_000L, false);
  }

  @Test
  void aJobWithEveryReceiptSignedByItsNodeIsPaidForTheSignedGpuTime() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));

    Verdict verdict = audit();

    // 200 GPU-seconds at 1,000,000 gwei each.
    assertThat(verdict.entry()).isEqualTo(new SettlementEntry(42, 3, 200_000_000));
  }

  @Test
  void theAmountNeverExceedsTheDepositOrTheBudget() {
    receipts.add(receipt(nodeA, 0, 200));
    receipts.add(receipt(nodeB, 1, 200));
    deposit = new Deposit(42, PAYER, PROVIDER, 3, new BigInteger("300000000000000000"), 1, false);
    assertThat(audit().entry().usedGwei()).isEqualTo(300_000_000L);

    job.getSpec().getPayment().setBudget("0.25");
    assertThat(audit().entry().usedGwei()).isEqualTo(250_000_000L);
  }

  @Test
  void aReceiptSignedByAnotherKeyIsForged() {
    NodeKey forger = NodeKey.generate(RANDOM);
    receipts.add(receipt(nodeA, 0, 150));
    // Claims to come from node B, signed with the forger's key.
    WorkReceipt claim =
        new WorkReceipt(UID, 1, nodeB.address(), 50, 0, new byte[32], 1_700_000_000_000L);
    receipts.add(new WorkReceipt.Signed(claim, forger.sign(claim.digest())));

    assertThat(audit().refusal())
        .isEqualTo(
            "the receipts for replica 1 are not signed by the registered key of dc-1.gpu-b"
                + " (forged)");
  }

  @Test
  void aReceiptFromANodeThatDidNotRunTheReplicaDoesNotCount() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeA, 1, 50)); // node A signs for node B's replica

    assertThat(audit().refusal())
        .isEqualTo(
            "the receipts for replica 1 are not signed by the registered key of dc-1.gpu-b"
                + " (forged)");
  }

  @Test
  void aMissingReceiptIsNamed() {
    receipts.add(receipt(nodeA, 0, 150));

    assertThat(audit().refusal()).isEqualTo("replica 1 has no receipt from dc-1.gpu-b");
  }

  @Test
  void aNodeCannotBillMoreGpuTimeThanTheJobRan() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 321)); // 2 GPUs x (100 s + 60 s slack) = 320

    assertThat(audit().refusal())
        .isEqualTo("replica 1 claims 321 GPU-seconds; the job ran 100 s on 2 GPUs per replica");
  }

  @Test
  void theDepositMustBeOpenFromThePayerToTheProvider() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));

    deposit = new Deposit(42, PAYER, PROVIDER, 3, BigInteger.TEN.pow(18), 1, true);
    assertThat(audit().refusal()).isEqualTo("escrow job 42 is closed (settled or refunded)");

    String stranger = "0x3333333333333333333333333333333333333333";
    deposit = new Deposit(42, PAYER, stranger, 3, BigInteger.TEN.pow(18), 1, false);
    assertThat(audit().refusal())
        .startsWith("the deposit pays " + stranger + ", not the provider of dc-1");

    deposit = new Deposit(42, stranger, PROVIDER, 3, BigInteger.TEN.pow(18), 1, false);
    assertThat(audit().refusal()).startsWith("the deposit was made by " + stranger);

    deposit = null;
    assertThat(audit().refusal())
        .isEqualTo("the escrow holds no deposit from " + PAYER + " under the job's key " + key());
  }

  /**
   * Job "other" lies in its status that job "train"'s deposit funds it (as a compromised operator
   * would write): the audit derives the key from the job it audits, so it finds nothing for it.
   */
  @Test
  void aJobCannotBePaidFromAnotherJobsDeposit() {
    String trainKey = key();
    job.getMetadata().setName("other");
    job.getMetadata().setUid("7f3c2d0e-0000-4000-8000-000000000002");
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));
    var funding = new io.aifabric.api.v1alpha1.aijob.Funding();
    funding.setDepositKey(trainKey);
    funding.setEscrowJobId(42L);
    job.getStatus().setFunding(funding);

    assertThat(audit().refusal())
        .isEqualTo("the escrow holds no deposit from " + PAYER + " under the job's key " + key())
        .doesNotContain(trainKey);
  }

  @Test
  void aDepositUnderTheJobsKeyFromSomeoneElseIsNotTheJobs() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));
    String stranger = "0x3333333333333333333333333333333333333333";
    depositor = stranger;

    assertThat(audit().refusal()).startsWith("the escrow holds no deposit from " + PAYER);
  }

  @Test
  void unfinishedOrSettledJobsAreNotPaid() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));

    job.getStatus().setPhase(JobPhase.Running);
    assertThat(audit().refusal()).isEqualTo("the job has not finished (phase Running)");

    job.getStatus().setPhase(JobPhase.Failed);
    assertThat(audit().isPayable()).isTrue();

    Settlement settlement = new Settlement();
    settlement.setTxHash("0xfeed");
    job.getStatus().setSettlement(settlement);
    assertThat(audit().refusal()).isEqualTo("the job is settled already, in 0xfeed");
  }

  @Test
  void aNodeWithoutARegisteredKeyVouchesForNothing() {
    receipts.add(receipt(nodeA, 0, 150));
    receipts.add(receipt(nodeB, 1, 50));
    computeNodes.remove("dc-1.gpu-b");

    assertThat(audit().refusal()).isEqualTo("node dc-1.gpu-b (replica 1) has no registered key");
  }

  /** The key job "train" (or whatever the job is now) has in network "test". */
  private String key() {
    var meta = job.getMetadata();
    return DepositKey.hex("test", meta.getNamespace(), meta.getName(), meta.getUid());
  }

  /**
   * The escrow: {@link #deposit}, made by {@link #depositor} under the key of job "train" as it was
   * set up (what the payer deposited under).
   */
  private Verdict audit() {
    String trainKey = DepositKey.hex("test", "team", "train", UID);
    JobAudit.DepositLookup escrow =
        (payer, key) ->
            payer.equalsIgnoreCase(depositor) && Hex.encode(key).equals(trainKey)
                ? Optional.ofNullable(deposit)
                : Optional.empty();
    try {
      return JobAudit.audit(
          new JobAudit.Inputs(
              "test",
              job,
              member,
              computeNodes::get,
              receipts,
              (store, key) ->
                  stored.containsKey(key) ? OptionalLong.of(stored.get(key)) : OptionalLong.empty(),
              escrow));
    } catch (Exception e) {
      throw new IllegalStateException("the deposit here is in memory and cannot fail", e);
    }
  }

  /**
   * The job's outputs are sealed; each replica's receipt names an output of 1,000 + replica bytes.
   */
  private void sealedOutputs() {
    Encryption encryption = new Encryption();
    encryption.setUserPublicKey("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=");
    job.getSpec().setEncryption(encryption);
    ObjectStore store = new ObjectStore();
    store.setEndpoint("http://store.dc-1:8333");
    store.setBucket("outputs");
    member.getSpec().setObjectStore(store);
    receipts.add(sealedReceipt(nodeA, 0, 150, 1_000));
    receipts.add(sealedReceipt(nodeB, 1, 50, 1_001));
  }

  private String objectKey(int replica) {
    return SealedOutputObjects.key("test", UID, replica);
  }

  @Test
  void aJobWithSealedOutputsIsPaidOnlyWhenEachOutputIsStoredAtTheSizeItsNodeSigned() {
    sealedOutputs();
    stored.put(objectKey(0), 1_000L);

    assertThat(audit().refusal())
        .isEqualTo(
            "replica 1's sealed output aifabric/test/"
                + UID
                + "/replica-1.aifs is not in dc-1's object store");

    stored.put(objectKey(1), 999L);
    assertThat(audit().refusal())
        .isEqualTo(
            "replica 1's sealed output aifabric/test/"
                + UID
                + "/replica-1.aifs holds 999 bytes; its receipt signs for 1001");

    stored.put(objectKey(1), 1_001L);
    assertThat(audit().entry()).isEqualTo(new SettlementEntry(42, 3, 200_000_000));
  }

  @Test
  void aReceiptWithoutASealedOutputIsNotPaidForAJobThatSealsItsOutputs() {
    sealedOutputs();
    stored.put(objectKey(0), 1_000L);
    stored.put(objectKey(1), 1_001L);
    receipts.remove(1);
    receipts.add(receipt(nodeB, 1, 50));

    assertThat(audit().refusal()).isEqualTo("replica 1's receipt names no sealed output");

    receipts.remove(1);
    receipts.add(sealedReceipt(nodeB, 1, 50, 0));
    assertThat(audit().refusal())
        .isEqualTo("replica 1's sealing sidecar reported no sealed output");
  }

  @Test
  void sealedOutputsNeedAnObjectStoreOnTheMember() {
    sealedOutputs();
    member.getSpec().setObjectStore(null);
    assertThat(audit().refusal())
        .isEqualTo("the job's outputs are sealed, but member dc-1 has no object store");
  }

  private WorkReceipt.Signed sealedReceipt(
      NodeKey key, int replica, long gpuSeconds, long sealedBytes) {
    String uid = job.getMetadata().getUid();
    return new WorkReceipt(
            uid, replica, key.address(), gpuSeconds, 0, new byte[32], 1_700L, sealedBytes)
        .sign(key);
  }

  private WorkReceipt.Signed receipt(NodeKey key, int replica, long gpuSeconds) {
    String uid = job.getMetadata().getUid();
    return new WorkReceipt(uid, replica, key.address(), gpuSeconds, 0, new byte[32], 1_700L)
        .sign(key);
  }

  private void register(String name, NodeKey key) {
    ComputeNode node = new ComputeNode();
    node.getMetadata().setName(name);
    ComputeNodeStatus status = new ComputeNodeStatus();
    NodeIdentity identity = new NodeIdentity();
    identity.setAddress(key.address().toString());
    identity.setPublicKey(Hex.encode(key.publicKey().toBytes()));
    status.setIdentity(identity);
    node.setStatus(status);
    computeNodes.put(name, node);
  }
}
