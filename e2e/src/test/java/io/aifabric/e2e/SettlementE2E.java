package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.BatchTransaction;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatchStatus;
import io.aifabric.escrow.ContractDomain;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.bridge.BatchSpecs;
import io.aifabric.escrow.bridge.SubmissionStatusPatch;
import io.aifabric.escrow.contracts.JobEscrow;
import io.aifabric.protocol.DepositKey;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.Topics;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Settlement on a real chain, end to end: anvil making a block a second, JobEscrow deployed with 3
 * oracles and a threshold of 2, three escrow bridges as separate processes (each an oracle with its
 * own key, the first also the relayer), the federation running jobs on its members. A payer
 * deposits for a job, the job runs, its node signs the receipt, the oracles check and sign, the
 * relayer settles the batch and writes the settlement into the AIJob, the provider withdraws. Then
 * the ways it can go wrong: the relayer killed just after it broadcast, or just after it recorded a
 * transaction it never sent; a reorg that drops the settlement; a batch whose job's receipt is
 * forged, which no oracle signs.
 */
@Order(14)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SettlementE2E extends FederatedE2E {
  private static final String PAYER = SettlementNetwork.PAYER;

  private static final BigInteger DEPOSIT = BigInteger.TEN.pow(17); // 0.1 ether

  private static final long INTAKE_BYTES = 4L << 20;

  /** The jobs' budget: their worst case, which the deposit covers exactly. */
  private static final String BUDGET = "0.1";

  private static final long GPU_SECONDS = 30;

  private static SettlementNetwork network;
  private static AnvilChain chain;
  private static JobEscrow escrow;
  private static KubernetesClient host;

  @BeforeAll
  static void chainAndBridges(TestBed bed) throws Exception {
    host = federation.host;
    network =
        SettlementNetwork.start(
            bed,
            federation,
            Map.of(
                "AIFABRIC_BRIDGE_RELAYER_BATCH_INTERVAL", "1s",
                "AIFABRIC_BRIDGE_RELAYER_CONFIRMATIONS", "2",
                "AIFABRIC_BRIDGE_RELAYER_STUCK_AFTER", "5s",
                "AIFABRIC_BRIDGE_RELAYER_REFUSAL_HOLD", "10s",
                // Small, so that the junk-receipt test fills it.
                "AIFABRIC_BRIDGE_RECEIPT_INTAKE_BYTES", String.valueOf(INTAKE_BYTES)));
    chain = network.chain;
    escrow = network.escrow;
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  @Order(1)
  void aDepositedJobIsReceiptedAttestedSettledAndThePaidProviderWithdraws() throws Exception {
    Paid paid = runPaidJob("paid-1");
    AIJob settled = awaitSettled(paid.job());

    SettlementBatch batch = batchOf(settled);
    assertThat(batch.getStatus().getPhase()).isEqualTo(BatchPhase.Settled);
    assertThat(signatures(batch)).isGreaterThanOrEqualTo(2);
    assertThat(batch.getStatus().getTransactions()).hasSize(1);
    assertThat(settled.getStatus().getSettlement().getTxHash())
        .isEqualTo(batch.getStatus().getTxHash());
    assertThat(Federation.condition(settled, "Settled"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));

    // What the oracles agreed: 30 GPU-seconds at the member's price, paid to its provider.
    SettlementBatchSpec.BatchEntry entry = entryOf(batch, settled);
    String price = settled.getStatus().getPlacement().getPricePerGpuHour();
    // 30 GPU-seconds at the price per GPU-hour (ether), in gwei, rounded down — by hand.
    long expectedGwei =
        new BigDecimal(price)
            .multiply(BigDecimal.valueOf(GPU_SECONDS))
            .multiply(BigDecimal.TEN.pow(9))
            .divide(BigDecimal.valueOf(3600), 0, RoundingMode.FLOOR)
            .longValueExact();
    assertThat(entry.getUsedGwei()).isEqualTo(expectedGwei).isPositive();
    BigInteger owed = BigInteger.valueOf(entry.getUsedGwei()).multiply(BigInteger.TEN.pow(9));
    assertThat(owed).isLessThan(DEPOSIT);
    assertThat(escrow.balanceOf(BigInteger.valueOf(entry.getProviderId())).send())
        .isGreaterThanOrEqualTo(owed);

    BigInteger credit = escrow.balanceOf(BigInteger.valueOf(entry.getProviderId())).send();
    BigInteger before = chain.balance(paid.provider());
    TransactionReceipt withdrawal = network.as(paid.provider()).withdraw().send();
    BigInteger gas =
        withdrawal.getGasUsed().multiply(Numeric.decodeQuantity(withdrawal.getEffectiveGasPrice()));
    assertThat(chain.balance(paid.provider()).add(gas).subtract(before)).isEqualTo(credit);
    assertThat(escrow.balanceOf(BigInteger.valueOf(entry.getProviderId())).send()).isZero();

    // The settled job's receipt is no longer retained on the broker (a restart replays nothing
    // settled), while a receipt of a job that is not settled still is.
    String control = "unsettled-" + java.util.UUID.randomUUID();
    paid.agent().publishReceipt(control, 0, 1);
    String node = paid.agent().address().toString();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        paid.agent()
                            .retainedTopics(
                                Topics.RECEIPTS + node + "/+",
                                Topics.RECEIPTS + node + "/" + control))
                    .doesNotContain(Topics.RECEIPTS + node + "/" + settled.getMetadata().getUid()));
    paid.agent().clearRetained(Topics.RECEIPTS + node + "/" + control);
  }

  @Test
  @Order(2)
  void aRelayerKilledRightAfterItBroadcastResumesAndPaysOnce() throws Exception {
    relayerCrashesAt("after-broadcast", "paid-2", "step=\"mined\"");
  }

  @Test
  @Order(3)
  void aRelayerKilledAfterRecordingATransactionItNeverSentSendsThatSameTransaction()
      throws Exception {
    relayerCrashesAt("after-record", "paid-3", "step=\"rebroadcast\"");
  }

  @Test
  @Order(4)
  void aReorgThatDropsTheSettlementLeadsToItsResubmission() throws Exception {
    BridgeProcess relayer = network.relayer();
    // Enough blocks to wait for that the reorg lands while the batch is being confirmed.
    relayer.restart(Map.of("AIFABRIC_BRIDGE_RELAYER_CONFIRMATIONS", "12"));
    try {
      Paid paid = runPaidJob("paid-4", false);
      String beforeSettlement = chain.snapshot();
      long nonceBefore = escrow.settlementNonce().send().longValueExact();
      paid.agent().publishReceipt(paid.job().getMetadata().getUid(), 0, GPU_SECONDS);
      SettlementBatch confirming =
          awaitBatchOf(paid.job(), status -> status.getPhase() == BatchPhase.Confirming);
      assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore + 1);

      chain.revert(beforeSettlement); // the blocks with the settlement are gone
      assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore);

      AIJob settled = awaitSettled(paid.job());
      SettlementBatch batch = batchOf(settled);
      assertThat(batch.getMetadata().getName()).isEqualTo(confirming.getMetadata().getName());
      // The very transaction that was dropped went out again: same hash, one transaction.
      assertThat(batch.getStatus().getTransactions()).hasSize(1);
      assertThat(batch.getStatus().getTxHash()).isEqualTo(confirming.getStatus().getTxHash());
      assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore + 1);
      assertThat(federation.eventReasons(batch)).contains("Reorged");
    } finally {
      relayer.restart(Map.of());
    }
  }

  @Test
  @Order(5)
  void noOracleSignsForAJobWhoseReceiptIsForged() throws Exception {
    Paid paid = runPaidJob("forged-1", false);
    String uid = paid.job().getMetadata().getUid();
    // The refusal this test means is "no receipt from the node's key": first every oracle must
    // know that key (else it refuses, rightly, with "has no registered key").
    network.awaitOraclesKnow(paid.agent());
    try (SimulatedAgent forger = new SimulatedAgent(federation.broker)) {
      forger.publishForgedReceipt(paid.agent().address(), uid, 0, GPU_SECONDS);
    }
    var deposit = escrow.jobIdOf(SettlementNetwork.PAYER, paid.jobKey()).send();
    long jobId = deposit.component2().longValueExact();
    long providerId = escrow.accountIdOf(paid.provider()).send().longValueExact();

    // A relayer that does not check (or an attacker with write access) proposes it anyway.
    SettlementBatchSpec.BatchEntry entry = new SettlementBatchSpec.BatchEntry();
    entry.setJobNamespace(ns);
    entry.setJobName(paid.job().getMetadata().getName());
    entry.setJobUid(uid);
    entry.setEscrowJobId(jobId);
    entry.setProviderId(providerId);
    entry.setUsedGwei(1_000_000L);
    SettlementBatchSpec spec = new SettlementBatchSpec();
    spec.setChainId(AnvilChain.CHAIN_ID);
    spec.setEscrow(escrow.getContractAddress());
    spec.setNonce(escrow.settlementNonce().send().longValueExact());
    spec.setDeadline(network.chainTime() + 600);
    spec.setEntries(List.of(entry));
    SettlementBatch proposed = new SettlementBatch();
    proposed.getMetadata().setName("forged-receipt-batch");
    proposed.getMetadata().setNamespace(Federation.SECRETS_NAMESPACE);
    proposed.setSpec(spec);
    host.resource(proposed).create();

    SettlementBatch refused =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    host.resources(SettlementBatch.class)
                        .inNamespace(Federation.SECRETS_NAMESPACE)
                        .withName("forged-receipt-batch")
                        .get(),
                b -> b.getStatus() != null && b.getStatus().getPhase() == BatchPhase.Abandoned);
    assertThat(refused.getStatus().getRefusedJobs()).containsExactly(uid);
    assertThat(refused.getStatus().getTransactions()).isEmpty();
    assertThat(refused.getStatus().getAttestations().values())
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(
            a -> {
              assertThat(a.getSignature()).isNull();
              assertThat(a.getRefusalSignature()).isNotNull();
              assertThat(a.getRefusals())
                  .singleElement()
                  .asString()
                  .contains("replica 0 has no receipt from");
            });
    assertThat(escrow.depositOf(BigInteger.valueOf(jobId)).send().component6()).isFalse();
    // The job is told why it waits, and until when.
    var refusal = federation.get(paid.job()).getStatus().getSettlementRefusal();
    assertThat(refusal.getBatch()).isEqualTo("forged-receipt-batch");
    assertThat(refusal.getReasons()).isNotEmpty().allMatch(r -> r.contains("no receipt from"));
    assertThat(refusal.getRetryAfter()).isEqualTo(refused.getStatus().getRefusedUntil());
    // The operator refuses the forgery too (it writes Receipted in the reconcile after the phase).
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Federation.condition(federation.get(paid.job()), "Receipted"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False")));

    // The way back: once the node's own receipt arrives, the job is audited again after the hold
    // (10 s here) and paid; the refusal is cleared.
    paid.agent().publishReceipt(uid, 0, GPU_SECONDS);
    AIJob settled = awaitSettled(paid.job());
    assertThat(settled.getStatus().getSettlementRefusal()).isNull();
    assertThat(batchOf(settled).getMetadata().getName()).isNotEqualTo("forged-receipt-batch");
  }

  @Test
  @Order(6)
  void aTransactionStuckBehindAFeeSpikeIsReplacedWithAHigherFee() throws Exception {
    Paid paid = runPaidJob("stuck-1", false);
    chain.intervalMining(0); // no blocks until the test makes them
    try {
      paid.agent().publishReceipt(paid.job().getMetadata().getUid(), 0, GPU_SECONDS);
      SettlementBatch sent =
          awaitBatchOf(paid.job(), status -> !status.getTransactions().isEmpty());
      BatchTransaction first = sent.getStatus().getTransactions().get(0);
      // The base fee jumps past what the transaction offers: the next block leaves it out.
      chain.nextBaseFee(BigInteger.valueOf(100).multiply(BigInteger.TEN.pow(9)));
      chain.mine(1);
      assertThat(
              chain.web3j.ethGetTransactionReceipt(first.getHash()).send().getTransactionReceipt())
          .isEmpty();

      SettlementBatch replaced =
          awaitBatchOf(paid.job(), status -> status.getTransactions().size() >= 2);
      BatchTransaction second = replaced.getStatus().getTransactions().get(1);
      assertThat(second.getNonce()).isEqualTo(first.getNonce());
      assertThat(new BigInteger(second.getMaxFeePerGas()))
          .isGreaterThanOrEqualTo(
              new BigInteger(first.getMaxFeePerGas())
                  .multiply(BigInteger.valueOf(125))
                  .divide(BigInteger.valueOf(100)));
    } finally {
      // Back to a calm chain for the tests after this one.
      chain.nextBaseFee(BigInteger.TEN.pow(9));
      chain.intervalMining(1);
    }
    AIJob settled = awaitSettled(paid.job());
    SettlementBatch batch = batchOf(settled);
    assertThat(batch.getStatus().getTxHash())
        .isEqualTo(batch.getStatus().getTransactions().get(1).getHash());
    assertThat(federation.eventReasons(batch)).contains("Replaced");
  }

  @Test
  @Order(7)
  void aRecordedTransactionWhoseNonceWasUsedMeanwhileGivesWayToOneAtTheNextNonce()
      throws Exception {
    BridgeProcess relayer = network.relayer();
    relayer.restart(Map.of("AIFABRIC_BRIDGE_RELAYER_FAILPOINT", "after-record"));
    Paid paid = runPaidJob("nonce-1");
    await().atMost(Duration.ofSeconds(90)).until(() -> !relayer.alive());
    BatchTransaction recorded = batchWith(paid.job()).getStatus().getTransactions().get(0);
    // While the relayer is down, its account sends something else with that very nonce.
    network.sendAndMine(network.relayerKey, recorded.getNonce(), PAYER, BigInteger.ONE, "");

    relayer.restart(Map.of());
    AIJob settled = awaitSettled(paid.job());
    SettlementBatch batch = batchOf(settled);
    assertThat(batch.getStatus().getTransactions()).hasSize(2);
    BatchTransaction next = batch.getStatus().getTransactions().get(1);
    assertThat(next.getNonce()).isEqualTo(recorded.getNonce() + 1);
    assertThat(batch.getStatus().getTxHash()).isEqualTo(next.getHash());
    assertThat(relayer.metrics())
        .contains("aifabric_bridge_relay_steps_total{step=\"nonce_reused\"");
  }

  @Test
  @Order(8)
  void aBatchSomeoneElseSubmittedCountsAsSettled() throws Exception {
    BridgeProcess relayer = network.relayer();
    relayer.restart(Map.of("AIFABRIC_BRIDGE_RELAYER_FAILPOINT", "after-record"));
    long nonceBefore = escrow.settlementNonce().send().longValueExact();
    Paid paid = runPaidJob("other-1");
    await().atMost(Duration.ofSeconds(90)).until(() -> !relayer.alive());
    BatchTransaction recorded = batchWith(paid.job()).getStatus().getTransactions().get(0);
    // Anyone may submit a batch the oracles signed: here another account sends the same call.
    Credentials stranger = chain.fundedAccount(1);
    String theirs =
        network.sendAndMine(
            stranger,
            0,
            escrow.getContractAddress(),
            BigInteger.ZERO,
            TransactionDecoder.decode(recorded.getRaw()).getData());

    relayer.restart(Map.of());
    AIJob settled = awaitSettled(paid.job());
    SettlementBatch batch = batchOf(settled);
    assertThat(batch.getStatus().getTxHash()).isEqualTo(theirs);
    assertThat(settled.getStatus().getSettlement().getTxHash()).isEqualTo(theirs);
    assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore + 1);
    assertThat(relayer.metrics())
        .contains("aifabric_bridge_relay_steps_total{step=\"already_done\"");
  }

  @Test
  @Order(9)
  void aBroadcastWhoseAnswerTimesOutIsFoundByItsHashAndNotSentTwice() throws Exception {
    BridgeProcess relayer = network.relayer();
    try (RpcProxy rpc = new RpcProxy(chain.url(), Duration.ofSeconds(4))) {
      relayer.restart(
          Map.of("AIFABRIC_BRIDGE_RPC_URL", rpc.url(), "AIFABRIC_BRIDGE_RPC_TIMEOUT", "2s"));
      rpc.slowBroadcasts(true);
      long nonceBefore = escrow.settlementNonce().send().longValueExact();
      Paid paid = runPaidJob("timeout-1");
      AIJob settled = awaitSettled(paid.job());
      SettlementBatch batch = batchOf(settled);
      assertThat(rpc.slowed()).isPositive();
      assertThat(batch.getStatus().getTransactions()).hasSize(1);
      assertThat(batch.getStatus().getTxHash())
          .isEqualTo(batch.getStatus().getTransactions().get(0).getHash());
      assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore + 1);
    } finally {
      relayer.restart(Map.of());
    }
  }

  @Test
  @Order(10)
  void aTransactionWaitingOnAnUnfilledLowerNonceIsResentAtThatNonce() throws Exception {
    BridgeProcess relayer = network.relayer();
    try (RpcProxy rpc = new RpcProxy(chain.url(), Duration.ZERO)) {
      relayer.restart(Map.of("AIFABRIC_BRIDGE_RPC_URL", rpc.url()));
      // The provider's node is ahead of the chain: the relayer's first nonce leaves a gap.
      rpc.pendingNonceAhead(true);
      long accountNonce =
          chain
              .web3j
              .ethGetTransactionCount(
                  network.relayerKey.getAddress(),
                  org.web3j.protocol.core.DefaultBlockParameterName.LATEST)
              .send()
              .getTransactionCount()
              .longValueExact();
      Paid paid = runPaidJob("gap-1");
      AIJob settled = awaitSettled(paid.job());
      SettlementBatch batch = batchOf(settled);
      assertThat(rpc.liedAbout()).isPositive();
      assertThat(batch.getStatus().getTransactions().get(0).getNonce()).isEqualTo(accountNonce + 1);
      BatchTransaction filled = batch.getStatus().getTransactions().get(1);
      assertThat(filled.getNonce()).isEqualTo(accountNonce);
      assertThat(batch.getStatus().getTxHash()).isEqualTo(filled.getHash());
      assertThat(relayer.metrics())
          .contains("aifabric_bridge_relay_steps_total{step=\"nonce_gap\"");
    } finally {
      relayer.restart(Map.of());
    }
  }

  @Test
  @Order(11)
  void refusalsOneBridgeFilesUnderTheOtherOraclesNamesCountForNothing() throws Exception {
    BridgeProcess relayer = network.relayer();
    BridgeProcess thirdOracle = network.bridges.get(2);
    String first = network.oracles.get(0).getAddress().toLowerCase(Locale.ROOT);
    String third = network.oracles.get(2).getAddress().toLowerCase(Locale.ROOT);
    // Only the second oracle answers for now: the relayer runs without its oracle key, the third
    // oracle is down. The second oracle's bridge is the attacker: its ServiceAccount can write
    // any key of a batch's attestations.
    thirdOracle.close();
    relayer.restart(Map.of("AIFABRIC_BRIDGE_ORACLE_KEY_FILE", ""));
    try {
      Paid paid = runPaidJob("outvoted-1");
      SettlementBatch collecting =
          awaitBatchOf(
              paid.job(),
              status ->
                  status.getPhase() == BatchPhase.Collecting
                      && status.getAttestations().values().stream()
                          .anyMatch(a -> a.getSignature() != null));
      try (KubernetesClient attacker =
          new KubernetesClientBuilder()
              .withConfig(
                  Config.fromKubeconfig(Files.readString(network.chart.kubeconfig("bridge-1"))))
              .build()) {
        // Under the first oracle's name, unsigned; under the third's, signed with its own key.
        Attestation unsigned = refusal(paid);
        Attestation signedByTheAttacker = refusal(paid);
        ContractDomain domain =
            ContractDomain.jobEscrow(AnvilChain.CHAIN_ID, escrow.getContractAddress());
        byte[] refusalDigest =
            BatchSpecs.refusalDigest(
                BatchSpecs.message(collecting.getSpec()).digest(domain),
                signedByTheAttacker,
                domain);
        signedByTheAttacker.setRefusalSignature(
            Numeric.toHexString(
                OracleSignatures.sign(refusalDigest, network.oracles.get(1).getEcKeyPair()).rsv()));
        SubmissionStatusPatch.attest(attacker, collecting, first, unsigned);
        SubmissionStatusPatch.attest(attacker, collecting, third, signedByTheAttacker);
      }
      // The relayer saw both and counted neither: two refusals of three would have abandoned it.
      await().atMost(Duration.ofSeconds(30)).until(() -> forgedAnswersSeen(relayer) >= 2);
      SettlementBatch after = batchWith(paid.job());
      assertThat(after.getStatus().getPhase()).isEqualTo(BatchPhase.Collecting);
      assertThat(after.getStatus().getAttestations().get(third).getRefusals()).isNotEmpty();

      // The third oracle comes back, finds an answer under its name it did not sign, replaces it
      // with its own signature: two honest signatures settle the batch.
      thirdOracle.restart(Map.of());
      AIJob settled = awaitSettled(paid.job());
      SettlementBatch batch = batchOf(settled);
      assertThat(batch.getMetadata().getName()).isEqualTo(collecting.getMetadata().getName());
      assertThat(batch.getStatus().getAttestations().get(third).getSignature()).isNotNull();
      assertThat(batch.getStatus().getAttestations().get(third).getRefusals()).isEmpty();
      assertThat(batch.getStatus().getAttestations().get(first).getSignature()).isNull();
      assertThat(thirdOracle.metrics())
          .contains("aifabric_bridge_attestations_total{result=\"forged_replaced\"");
    } finally {
      thirdOracle.restart(Map.of());
      relayer.restart(Map.of());
    }
  }

  // --- helpers ---

  /** A refusal of the paid job, as an attacker writes it under an honest oracle's address. */
  private Attestation refusal(Paid paid) {
    Attestation a = new Attestation();
    a.setRefusedJobs(List.of(paid.job().getMetadata().getUid()));
    a.setRefusals(List.of(ns + "/" + paid.job().getMetadata().getName() + ": refused by forgery"));
    return a;
  }

  /**
   * Answers the relayer ignored because they were not signed by the oracle they were filed under.
   */
  private static double forgedAnswersSeen(BridgeProcess relayer) throws Exception {
    return PrometheusText.sample(relayer.metrics(), "aifabric_bridge_forged_answers_total");
  }

  /**
   * @param resumedBy the relayer step (its metric's label) that takes the batch on after the
   *     restart
   */
  private void relayerCrashesAt(String failpoint, String jobName, String resumedBy)
      throws Exception {
    BridgeProcess relayer = network.relayer();
    relayer.restart(Map.of("AIFABRIC_BRIDGE_RELAYER_FAILPOINT", failpoint));
    long nonceBefore = escrow.settlementNonce().send().longValueExact();
    Paid paid = runPaidJob(jobName);
    await().atMost(Duration.ofSeconds(90)).until(() -> !relayer.alive());
    SettlementBatch cut = batchWith(paid.job());
    assertThat(cut.getStatus().getTransactions()).hasSize(1);
    String recorded = cut.getStatus().getTransactions().get(0).getHash();

    relayer.restart(Map.of());
    AIJob settled = awaitSettled(paid.job());
    SettlementBatch batch = batchOf(settled);
    // No second transaction and no second payment: the recorded one settled the batch, once.
    assertThat(batch.getStatus().getTransactions()).hasSize(1);
    assertThat(batch.getStatus().getTxHash()).isEqualTo(recorded);
    assertThat(escrow.settlementNonce().send().longValueExact()).isEqualTo(nonceBefore + 1);
    SettlementBatchSpec.BatchEntry entry = entryOf(batch, settled);
    assertThat(escrow.depositOf(BigInteger.valueOf(entry.getEscrowJobId())).send().component6())
        .isTrue();
    assertThat(relayer.metrics()).contains("aifabric_bridge_relay_steps_total{" + resumedBy);
  }

  /**
   * Before any GPU works, the deposit must be the payer's, under the job's own key, cover the worst
   * case and outlast the run: a deposit for another job, a stranger's under this job's key, too
   * little or too short a deadline each keep the job Pending, placed nowhere; topped up by its
   * payer, the small deposit funds the job and it runs. The funded job goes to its deposit's
   * provider (member-a, though member-b is cheaper) and that provider is paid.
   */
  @Test
  @Order(12)
  void aJobRunsOnlyOnceItsPayersDepositUnderItsOwnKeyCoversIt() throws Exception {
    String providerA = network.providerOf("member-a");
    String providerB = network.providerOf("member-b");
    AIJob waiting = federation.create(SettlementNetwork.escrowJob(ns, "unfunded-1", BUDGET));
    AIJob other = federation.create(SettlementNetwork.escrowJob(ns, "funded-1", BUDGET));
    byte[] waitingKey = network.awaitDepositKey(waiting);
    assertThat(Numeric.toHexString(waitingKey))
        .isEqualTo(DepositKey.hex("aifabric", ns, "unfunded-1", waiting.getMetadata().getUid()));
    assertFunded(waiting, "False", "AwaitingDeposit");

    // The payer's deposit for the other job funds only that job, and only on its provider.
    network.fund(other, providerA, DEPOSIT);
    AIJob ran = federation.awaitPhase(other, JobPhase.Succeeded, Duration.ofSeconds(90));
    assertThat(ran.getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    assertThat(ran.getStatus().getFunding().getProvider()).isEqualToIgnoringCase(providerA);
    assertFunded(ran, "True", "DepositCovers");

    // A stranger's deposit under the waiting job's key — enough, for a real provider.
    Credentials stranger = chain.fundedAccount(1);
    JobEscrow.load(
            escrow.getContractAddress(),
            chain.web3j,
            chain.transactions(stranger),
            AnvilChain.gas())
        .deposit(waitingKey, providerB, BigInteger.valueOf(network.chainTime() + 86_400), DEPOSIT)
        .send();
    // Then the payer's own, too small: the job is told so, which shows the operator looked
    // after both deposits, and it never took the stranger's.
    TransactionReceipt small =
        network
            .asPayer()
            .deposit(
                waitingKey,
                providerB,
                BigInteger.valueOf(network.chainTime() + 86_400),
                DEPOSIT.divide(BigInteger.TWO))
            .send();
    long smallId = JobEscrow.getDepositedEvents(small).get(0).jobId.longValueExact();
    Condition underfunded = awaitFunded(waiting, "Underfunded");
    assertThat(underfunded.getMessage())
        .isEqualTo(
            "escrow job "
                + smallId
                + " holds 0.05, less than the job's worst-case cost 0.1 (its budget, or every GPU"
                + " for maxDuration at maxPricePerGpuHour): top it up with JobEscrow.topUp("
                + smallId
                + ", deadline)");
    assertNeverPlaced(waiting);
    // The payer tops it up: the job is funded by that deposit and runs, without being re-created.
    network
        .asPayer()
        .topUp(
            BigInteger.valueOf(smallId),
            BigInteger.valueOf(network.chainTime() + 86_400),
            DEPOSIT.divide(BigInteger.TWO))
        .send();
    AIJob toppedUp = federation.awaitPhase(waiting, JobPhase.Succeeded, Duration.ofSeconds(90));
    assertThat(toppedUp.getStatus().getFunding().getEscrowJobId()).isEqualTo(smallId);
    assertFunded(toppedUp, "True", "DepositCovers");

    // Enough, but refundable before the run (2 h), the receipt wait and settlement are over.
    AIJob hasty = federation.create(SettlementNetwork.escrowJob(ns, "short-1", BUDGET));
    network
        .asPayer()
        .deposit(
            network.awaitDepositKey(hasty),
            providerB,
            BigInteger.valueOf(network.chainTime() + 3_600),
            DEPOSIT)
        .send();
    assertThat(awaitFunded(hasty, "DeadlineTooSoon").getMessage()).contains("may be refunded from");
    assertNeverPlaced(hasty);

    // The job that ran is paid to the provider its deposit named.
    network
        .agentOn("member-a", ran.getStatus().getPlacement().getNodes().get(0))
        .publishReceipt(ran.getMetadata().getUid(), 0, GPU_SECONDS);
    AIJob settled = awaitSettled(ran);
    SettlementBatchSpec.BatchEntry entry = entryOf(batchOf(settled), settled);
    assertThat(entry.getEscrowJobId()).isEqualTo(ran.getStatus().getFunding().getEscrowJobId());
    assertThat(entry.getProviderId())
        .isEqualTo(escrow.accountIdOf(providerA).send().longValueExact());
    assertThat(entry.getUsedGwei()).isPositive();
  }

  /**
   * A node with a broker certificate floods: 10,000 receipts, each correctly signed by its key for
   * a job that does not exist, cost the relayer at most its intake (4 MiB here, 16 MiB by default),
   * none is kept, and an honest job's receipt after them is kept and paid. (Receipts signed by
   * fresh keys never get this far: the broker takes them only under the sender's own topics, where
   * a receipt naming another node is refused at once, {@code wrong_topic}.)
   */
  @Test
  @Order(13)
  void junkReceiptsStayWithinTheIntakeAndAnHonestJobIsStillPaid() throws Exception {
    BridgeProcess relayer = network.relayer();
    String before = relayer.metrics();
    try (SimulatedAgent anyone = new SimulatedAgent(federation.broker)) {
      anyone.publishReceiptsForJobsThatDoNotExist(10_000);
    }
    // Every one is accounted for: held, or dropped at the bridge's door when it came faster
    // than its signature could be checked — and the subscription survives the flood (an MQTT
    // source that overflowed used to stop for good: no receipt after it was ever heard).
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> {
              String now = relayer.metrics();
              return increase(before, now, "aifabric_bridge_receipts_total{result=\"held\"}")
                  + increase(before, now, "aifabric_bridge_receipts_total{result=\"dropped\"}");
            },
            seen -> seen >= 10_000);
    String after = relayer.metrics();
    assertThat(PrometheusText.sample(after, "aifabric_bridge_receipt_intake_bytes"))
        .isPositive()
        .isLessThanOrEqualTo(INTAKE_BYTES);
    assertThat(increase(before, after, "aifabric_bridge_receipts_evicted_total")).isPositive();
    assertThat(increase(before, after, "aifabric_bridge_receipts_total{result=\"kept\"}")).isZero();

    Paid paid = runPaidJob("after-junk");
    assertThat(awaitSettled(paid.job()).getStatus().getSettlement().getTxHash()).startsWith("0x");
  }

  private static double increase(String before, String after, String series) {
    return PrometheusText.sample(after, series) - PrometheusText.sample(before, series);
  }

  private static void assertFunded(AIJob job, String status, String reason) {
    assertThat(Federation.condition(federation.get(job), "Funded"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo(status);
              assertThat(c.getReason()).isEqualTo(reason);
            });
  }

  private static Condition awaitFunded(AIJob job, String reason) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> Federation.condition(federation.get(job), "Funded").orElse(null),
            c -> c != null && reason.equals(c.getReason()));
  }

  private static void assertNeverPlaced(AIJob job) {
    AIJob now = federation.get(job);
    assertThat(now.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
    assertThat(now.getStatus().getPlacement()).isNull();
    assertThat(Federation.condition(now, "Dispatched")).isEmpty();
    assertThat(federation.eventReasons(now)).doesNotContain("Placed", "Dispatched");
  }

  /** A job the payer deposited for, run to completion, with its node's receipt (if asked). */
  private record Paid(AIJob job, byte[] jobKey, String provider, SimulatedAgent agent) {}

  private Paid runPaidJob(String name) throws Exception {
    return runPaidJob(name, true);
  }

  /**
   * The user's loop with the CLI alone: submit a job and fund it from the payer's own key, under
   * the key the job's identity gives it; once the job is paid, its provider withdraws with its own
   * key. The wrong key is refused before anything is sent.
   */
  @Test
  @Order(14)
  void aPayerSubmitsAndFundsAJobWithTheCliAndItsProviderWithdrawsWithIt(TestBed bed)
      throws Exception {
    Path dir = Files.createDirectories(bed.dir().resolve("cli-settlement"));
    Path payerKey = keyFile(dir.resolve("payer.key"), ANVIL_KEY_0, PAYER);
    String provider = network.providerOf("member-b");
    Path providerKey = keyFile(dir.resolve("provider.key"), ANVIL_KEY_2, provider);
    Path jobFile = dir.resolve("cli-1.yaml");
    Files.writeString(
        jobFile, Serialization.asYaml(SettlementNetwork.escrowJob(ns, "cli-1", BUDGET)));
    String[] chainArgs = {
      "--rpc",
      chain.url(),
      "--escrow",
      escrow.getContractAddress(),
      "--kubeconfig",
      bed.kubeconfig(TestBed.HOST).toString()
    };

    // Another key than the payer's: refused before the job is created or a coin moves.
    Path wrongJob = dir.resolve("cli-wrong.yaml");
    Files.writeString(
        wrongJob, Serialization.asYaml(SettlementNetwork.escrowJob(ns, "cli-wrong", BUDGET)));
    CommandResult wrongKey =
        AifabricCli.run(
            concat(
                chainArgs,
                "submit",
                "-f",
                wrongJob.toString(),
                "--deposit",
                "--provider",
                provider,
                "--payer-key",
                providerKey.toString()));
    assertThat(wrongKey.exitCode()).isEqualTo(1);
    String providerAddress = provider.toLowerCase(Locale.ROOT);
    assertThat(wrongKey.stderr()).contains("is " + providerAddress + ", not the job's payer");
    assertThat(host.resources(AIJob.class).inNamespace(ns).withName("cli-wrong").get()).isNull();

    CommandResult submitted =
        AifabricCli.run(
            concat(
                chainArgs,
                "submit",
                "-f",
                jobFile.toString(),
                "--deposit",
                "--provider",
                provider,
                "--payer-key",
                payerKey.toString()));
    assertThat(submitted.exitCode()).as(submitted.stderr()).isZero();
    AIJob job = host.resources(AIJob.class).inNamespace(ns).withName("cli-1").get();
    var meta = job.getMetadata();
    String key =
        Hex.encode(DepositKey.of("aifabric", meta.getNamespace(), meta.getName(), meta.getUid()));
    // The whole budget (the job's worst case), under the job's own key, to that provider.
    assertThat(submitted.stdout())
        .contains("aijob " + ns + "/cli-1 created")
        .contains("deposited 0.1 under key " + key + " for provider " + provider);
    var found = escrow.jobIdOf(PAYER, Numeric.hexStringToByteArray(key)).send();
    assertThat(found.component1()).isTrue();

    AIJob done = federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(60));
    network
        .agentOn(
            done.getStatus().getPlacement().getCluster(),
            done.getStatus().getPlacement().getNodes().get(0))
        .publishReceipt(meta.getUid(), 0, GPU_SECONDS);
    AIJob settled = awaitSettled(job);
    SettlementBatchSpec.BatchEntry entry = entryOf(batchOf(settled), settled);
    BigInteger credit = escrow.balanceOf(BigInteger.valueOf(entry.getProviderId())).send();
    assertThat(credit)
        .isGreaterThanOrEqualTo(
            BigInteger.valueOf(entry.getUsedGwei()).multiply(BigInteger.TEN.pow(9)));

    BigInteger before = chain.balance(provider);
    CommandResult withdrew =
        AifabricCli.run(
            "withdraw",
            "--rpc",
            chain.url(),
            "--escrow",
            escrow.getContractAddress(),
            "--key",
            providerKey.toString());
    assertThat(withdrew.exitCode()).as(withdrew.stderr()).isZero();
    assertThat(withdrew.stdout())
        .startsWith(
            "withdrew "
                + new BigDecimal(credit).movePointLeft(18).stripTrailingZeros().toPlainString()
                + " to "
                + providerAddress);
    assertThat(escrow.balanceOf(BigInteger.valueOf(entry.getProviderId())).send()).isZero();
    assertThat(chain.balance(provider)).isGreaterThan(before);
    CommandResult again =
        AifabricCli.run(
            "withdraw",
            "--rpc",
            chain.url(),
            "--escrow",
            escrow.getContractAddress(),
            "--key",
            providerKey.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("the escrow holds nothing for " + providerAddress);
  }

  /** anvil's well-known dev keys: account 0 (the payer) and 2 (member-b's provider). */
  private static final String ANVIL_KEY_0 =
      "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

  private static final String ANVIL_KEY_2 =
      "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

  /** An owner-only key file, checked to hold the account it is meant to. */
  private static Path keyFile(Path file, String key, String address) throws IOException {
    assertThat(Credentials.create(key).getAddress()).isEqualToIgnoringCase(address);
    Files.writeString(file, key + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  private static String[] concat(String[] first, String... then) {
    String[] all = new String[then.length + first.length];
    System.arraycopy(then, 0, all, 0, then.length);
    System.arraycopy(first, 0, all, then.length, first.length);
    return all;
  }

  private Paid runPaidJob(String name, boolean receipted) throws Exception {
    // The payer deposits for the cheapest member's provider, where the job would go anyway.
    String provider = network.providerOf("member-b");
    AIJob created = federation.create(SettlementNetwork.escrowJob(ns, name, BUDGET));
    byte[] jobKey = network.fund(created, provider, DEPOSIT);
    AIJob done = federation.awaitPhase(created, JobPhase.Succeeded, Duration.ofSeconds(60));
    String cluster = done.getStatus().getPlacement().getCluster();
    String node = done.getStatus().getPlacement().getNodes().get(0);

    SimulatedAgent agent = network.agentOn(cluster, node);
    if (receipted) {
      agent.publishReceipt(done.getMetadata().getUid(), 0, GPU_SECONDS);
    }
    return new Paid(done, jobKey, provider, agent);
  }

  private static AIJob awaitSettled(AIJob job) {
    return await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () -> federation.get(job),
            j -> j.getStatus() != null && j.getStatus().getPhase() == JobPhase.Settled);
  }

  /**
   * The batch that settled the job, once it says so itself: the relayer records each job's
   * settlement before it marks the batch Settled (so that a crash between re-records rather than
   * loses one), and a job can read Settled a moment before its batch does.
   */
  private static SettlementBatch batchOf(AIJob settled) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                host.resources(SettlementBatch.class)
                    .inNamespace(Federation.SECRETS_NAMESPACE)
                    .withName(settled.getStatus().getSettlement().getBatch())
                    .get(),
            b -> b.getStatus() != null && b.getStatus().getPhase() == BatchPhase.Settled);
  }

  /** The newest batch that holds the job, once its status satisfies the condition. */
  private static SettlementBatch awaitBatchOf(
      AIJob job, java.util.function.Predicate<SettlementBatchStatus> condition) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> batchWith(job),
            b -> b != null && b.getStatus() != null && condition.test(b.getStatus()));
  }

  /** The newest batch that holds the job, or null. */
  private static SettlementBatch batchWith(AIJob job) {
    return host
        .resources(SettlementBatch.class)
        .inNamespace(Federation.SECRETS_NAMESPACE)
        .list()
        .getItems()
        .stream()
        .filter(
            b ->
                b.getSpec().getEntries().stream()
                    .anyMatch(e -> e.getJobUid().equals(job.getMetadata().getUid())))
        .reduce((a, b) -> b)
        .orElse(null);
  }

  private static SettlementBatchSpec.BatchEntry entryOf(SettlementBatch batch, AIJob job) {
    return batch.getSpec().getEntries().stream()
        .filter(e -> e.getJobUid().equals(job.getMetadata().getUid()))
        .findFirst()
        .orElseThrow();
  }

  private static long signatures(SettlementBatch batch) {
    return batch.getStatus().getAttestations().values().stream()
        .map(Attestation::getSignature)
        .filter(s -> s != null)
        .count();
  }
}
