package io.aifabric.escrow.rewards;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.settlement.Attestation;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.EpochRewardSpec;
import io.aifabric.api.v1alpha1.settlement.EpochRewardStatus;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.SubmissionStatusPatch;
import io.aifabric.escrow.relayer.ChainSubmission;
import io.aifabric.escrow.relayer.Landing;
import io.aifabric.escrow.relayer.OracleAnswers;
import io.aifabric.escrow.relayer.RelayedResource;
import io.aifabric.escrow.relayer.TransactionSender;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.web3j.utils.Numeric;

/**
 * The relayer role for epoch rewards: takes an EpochReward from the oracles' answers to a posted
 * root under enough blocks. Each oracle signs the root of its own table, so the answers are counted
 * per root: the first root that M oracles signed (each signature recovering to its oracle, an
 * oracle the contract counts) is the one submitted, with {@link ChainSubmission}'s steps. No root
 * is posted on fewer: when so many oracles refused, or signed other roots, that no root can reach M
 * any more, the epoch is abandoned rather than posted on a minority's view. The contract posts an
 * epoch once: it is done when it has a root, whoever posted it.
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class EpochRewardRelay {
  private static final Logger LOG = Logger.getLogger(EpochRewardRelay.class);
  static final String POSTED = "Posted";

  private final EscrowChain chain;
  private final RewardsChain rewards;
  private final TransactionSender sender;
  private final ChainSubmission submission;
  private final BridgeEvents events;
  private final MeterRegistry metrics;

  public EpochRewardRelay(
      EscrowChain chain,
      RewardsChain rewards,
      TransactionSender sender,
      ChainSubmission submission,
      BridgeEvents events,
      MeterRegistry metrics) {
    this.chain = chain;
    this.rewards = rewards;
    this.sender = sender;
    this.submission = submission;
    this.events = events;
    this.metrics = metrics;
    ChainSubmission.registerSteps(metrics, "aifabric_bridge_epoch_steps_total");
  }

  public boolean enabled() {
    return sender.enabled() && rewards.enabled();
  }

  /**
   * Takes the epoch one step further.
   *
   * @return when to look again (null: only when it changes, or never)
   */
  public Duration advance(KubernetesClient client, EpochReward reward) throws Exception {
    EpochAction a =
        new EpochAction(
            client, reward, SubmissionStatusPatch.copy(reward.getStatus(), EpochRewardStatus::new));
    EpochRewardStatus s = a.status();
    if (s.getPhase() == null) {
      s.setPhase(BatchPhase.Collecting);
      a.write();
      return Duration.ofSeconds(1);
    }
    return switch (s.getPhase()) {
      case Collecting -> collect(a);
      case Submitting -> fundedOrWait(a);
      case Confirming -> confirm(a);
      case Settled, Abandoned -> null;
    };
  }

  private Duration collect(EpochAction a) throws Exception {
    RootAnswers answers;
    try {
      answers = a.answers();
    } catch (IllegalArgumentException e) {
      return a.abandon("Malformed", e.getMessage());
    }
    int threshold = rewards.threshold();
    EpochRewardStatus s = a.status();
    RootQuorum.Decision decision =
        RootQuorum.of(answers.roots(), answers.refusals().size(), rewards.oracleCount(), threshold)
            .decide();
    if (decision instanceof RootQuorum.Agreed agreed) {
      Attestation statement = answers.statementOf(agreed.root());
      s.setRoot(statement.getRoot());
      s.setTotalScore(statement.getTotalScore());
      s.setPhase(BatchPhase.Submitting);
      submission.set(
          s,
          ChainSubmission.ATTESTED,
          Conditions.TRUE,
          "QuorumReached",
          agreed.signers()
              + " oracles signed root "
              + statement.getRoot()
              + " (total score "
              + statement.getTotalScore()
              + "), "
              + threshold
              + " needed");
      a.write();
      return Duration.ofSeconds(1);
    }
    if (decision instanceof RootQuorum.Hopeless hopeless) {
      List<String> why = new ArrayList<>();
      answers.refusals().forEach(r -> why.addAll(r.getRefusals()));
      if (hopeless.disagreed() || why.isEmpty()) {
        why.add(answers.roots().size() + " different roots signed, none by " + threshold);
      }
      return a.abandon(
          hopeless.disagreed() ? "NoAgreement" : "QuorumRefused", String.join("; ", why));
    }
    if (chain.blockTime() >= a.deadline()) {
      return a.abandon("Expired", "the deadline passed before a quorum signed one root");
    }
    submission.set(
        s,
        ChainSubmission.ATTESTED,
        Conditions.FALSE,
        "Collecting",
        ((RootQuorum.Waiting) decision).best() + " of " + threshold + " signatures on one root");
    a.write();
    return Duration.ofSeconds(5);
  }

  /**
   * Submits once the pool can pay the reward; until then says so and waits (funding the contract
   * lets the epoch go on, up to its deadline).
   */
  private Duration fundedOrWait(EpochAction a) throws Exception {
    BigInteger reward = new BigInteger(a.spec().getReward());
    BigInteger pool = rewards.unallocated();
    if (pool.compareTo(reward) < 0 && !rewards.isPosted(a.spec().getEpoch())) {
      if (chain.blockTime() >= a.deadline()) {
        return a.abandon("Expired", "the pool could not pay the reward before the deadline");
      }
      String message =
          "the contract's pool holds "
              + pool
              + " wei, the epoch needs "
              + reward
              + "; fund it (AvailabilityRewards.fund) before "
              + a.deadline();
      boolean first =
          !"Unfunded"
              .equals(
                  Conditions.find(a.status().getConditions(), ChainSubmission.SUBMITTED)
                      .map(c -> c.getReason())
                      .orElse(null));
      submission.set(a.status(), ChainSubmission.SUBMITTED, Conditions.FALSE, "Unfunded", message);
      a.write();
      if (first) {
        a.event(BridgeEvents.WARNING, "Unfunded", message);
      }
      return Duration.ofSeconds(10);
    }
    return submission.submit(a);
  }

  private Duration confirm(EpochAction a) throws Exception {
    Optional<Long> deep = submission.confirm(a);
    if (deep.isEmpty()) {
      return Duration.ofSeconds(1);
    }
    EpochRewardStatus s = a.status();
    s.setPhase(BatchPhase.Settled);
    String message =
        "epoch "
            + a.spec().getEpoch()
            + " posted with root "
            + s.getRoot()
            + " (total score "
            + s.getTotalScore()
            + ", reward "
            + a.spec().getReward()
            + " wei) in "
            + s.getTxHash()
            + " at block "
            + s.getBlockNumber()
            + ", "
            + deep.get()
            + " blocks deep";
    submission.set(s, POSTED, Conditions.TRUE, "Confirmed", message);
    a.write();
    a.event(BridgeEvents.NORMAL, POSTED, message);
    LOG.infof("epoch reward %s: %s", a.resource().getMetadata().getName(), message);
    a.count("Posted");
    return null;
  }

  /** The genuine answers, by the root they signed. */
  private record RootAnswers(
      Map<String, List<OracleSignatures.Signed>> roots,
      Map<String, Attestation> statements,
      List<Attestation> refusals) {
    Attestation statementOf(String root) {
      return statements.get(root);
    }
  }

  /** An EpochReward as the submission steps see it: the contract's postEpoch for one epoch. */
  private final class EpochAction
      extends RelayedResource<EpochReward, EpochRewardStatus, RewardsChain.Posted> {
    private final EpochRewardStatus s;

    EpochAction(KubernetesClient client, EpochReward reward, EpochRewardStatus s) {
      super(
          client,
          reward,
          s,
          submission,
          events,
          metrics,
          POSTED,
          "aifabric_bridge_epoch_steps_total");
      this.s = s;
    }

    EpochRewardSpec spec() {
      return resource().getSpec();
    }

    /**
     * The answers grouped by what they state (root and total), each group checked against the
     * digest of its own statement; refusals are checked against the statement-less digest.
     */
    RootAnswers answers() throws Exception {
      Map<String, Map<String, Attestation>> byStatement = new LinkedHashMap<>();
      for (Map.Entry<String, Attestation> e : s.getAttestations().entrySet()) {
        Attestation answer = e.getValue();
        String key = answer.getRoot() + "/" + answer.getTotalScore();
        byStatement.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(e.getKey(), answer);
      }
      Map<String, List<OracleSignatures.Signed>> roots = new LinkedHashMap<>();
      Map<String, Attestation> statements = new LinkedHashMap<>();
      List<Attestation> refusals = new ArrayList<>();
      for (Map<String, Attestation> group : byStatement.values()) {
        Attestation statement = group.values().iterator().next();
        OracleAnswers genuine =
            OracleAnswers.of(
                group,
                EpochRewardSpecs.digestOf(spec(), statement, rewards.domain()),
                rewards.domain(),
                rewards::isOracle,
                () -> metrics.counter("aifabric_bridge_forged_answers_total").increment());
        refusals.addAll(genuine.refusals());
        if (!genuine.signatures().isEmpty() && statement.getRoot() != null) {
          String root = statement.getRoot() + "/" + statement.getTotalScore();
          roots.put(root, genuine.signatures());
          statements.put(root, statement);
        }
      }
      return new RootAnswers(roots, statements, refusals);
    }

    @Override
    public String contract() {
      return rewards.address();
    }

    @Override
    public long deadline() {
      return spec().getDeadline();
    }

    /** Done when the epoch has a root on chain: this one's, or whoever posted it first. */
    @Override
    public Landing<RewardsChain.Posted> landing() throws Exception {
      if (!rewards.isPosted(spec().getEpoch())) {
        return new Landing.NotYet<>();
      }
      Optional<RewardsChain.Posted> posted = rewards.posted(spec().getEpoch());
      if (posted.isEmpty()) {
        return new Landing.Lagging<>();
      }
      RewardsChain.Posted at = posted.get();
      return new Landing.Landed<>(at.txHash(), at.blockNumber(), at.blockHash(), at);
    }

    @Override
    public Optional<String> call() throws Exception {
      Attestation statement = new Attestation();
      statement.setRoot(s.getRoot());
      statement.setTotalScore(s.getTotalScore());
      List<OracleSignatures.Signed> quorum =
          answers().roots().getOrDefault(s.getRoot() + "/" + s.getTotalScore(), List.of());
      int threshold = rewards.threshold();
      if (quorum.size() < threshold) {
        s.setPhase(BatchPhase.Collecting);
        submission.set(
            s,
            ChainSubmission.ATTESTED,
            Conditions.FALSE,
            "QuorumLost",
            quorum.size()
                + " valid signatures on root "
                + s.getRoot()
                + ", "
                + threshold
                + " needed");
        write();
        return Optional.empty();
      }
      var message =
          EpochRewardSpecs.rewards(
              spec(), EpochRewardSpecs.rootOf(statement), EpochRewardSpecs.totalOf(statement));
      return Optional.of(
          TransactionSender.postEpochCall(
              message.epoch(),
              message.root(),
              message.totalScore(),
              message.reward(),
              message.deadline(),
              OracleSignatures.combine(quorum.subList(0, threshold))));
    }

    /** What the chain holds: the root posted, which another relayer may have posted. */
    @Override
    public void landed(RewardsChain.Posted posted) {
      s.setRoot(Numeric.toHexString(posted.root()));
      s.setTotalScore(posted.totalScore());
    }
  }
}
