package io.aifabric.escrow.slash;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.settlement.BatchPhase;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.api.v1alpha1.settlement.SlashSpec;
import io.aifabric.api.v1alpha1.settlement.SlashStatus;
import io.aifabric.escrow.OracleSignatures;
import io.aifabric.escrow.bridge.BridgeEvents;
import io.aifabric.escrow.bridge.EscrowChain;
import io.aifabric.escrow.bridge.RegistryChain;
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
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The relayer role for slashes: takes a Slash from the oracles' signatures to a slash under enough
 * blocks. Collecting counts the signatures that recover to their oracle and that the registry
 * counts; at the threshold it goes on with {@link ChainSubmission}, the steps every action the
 * relayer takes on chain shares. The registry slashes each evidence once: a slash is done on chain
 * when its evidence is used, whoever sent the transaction, and then the relayer only records where.
 * Abandoned when so many oracles refused that no quorum is left, or the deadline passed.
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class SlashRelay {
  private static final Logger LOG = Logger.getLogger(SlashRelay.class);
  static final String SLASHED = "Slashed";

  private final EscrowChain chain;
  private final RegistryChain registry;
  private final TransactionSender sender;
  private final ChainSubmission submission;
  private final BridgeEvents events;
  private final MeterRegistry metrics;

  public SlashRelay(
      EscrowChain chain,
      RegistryChain registry,
      TransactionSender sender,
      ChainSubmission submission,
      BridgeEvents events,
      MeterRegistry metrics) {
    this.chain = chain;
    this.registry = registry;
    this.sender = sender;
    this.submission = submission;
    this.events = events;
    this.metrics = metrics;
    ChainSubmission.registerSteps(metrics, "aifabric_bridge_slash_steps_total");
  }

  public boolean enabled() {
    return sender.enabled() && registry.enabled();
  }

  /**
   * Takes the slash one step further.
   *
   * @return when to look again (null: only when it changes, or never)
   */
  public Duration advance(KubernetesClient client, Slash slash) throws Exception {
    SlashAction a =
        new SlashAction(
            client, slash, SubmissionStatusPatch.copy(slash.getStatus(), SlashStatus::new));
    SlashStatus s = a.status();
    if (s.getPhase() == null) {
      s.setPhase(BatchPhase.Collecting);
      a.write();
      return Duration.ofSeconds(1);
    }
    return switch (s.getPhase()) {
      case Collecting -> collect(a);
      case Submitting -> submission.submit(a);
      case Confirming -> confirm(a);
      case Settled, Abandoned -> null;
    };
  }

  private Duration collect(SlashAction a) throws Exception {
    OracleAnswers answers;
    try {
      answers = a.answers();
    } catch (IllegalArgumentException e) {
      return a.abandon("Malformed", e.getMessage());
    }
    int threshold = registry.threshold();
    int oracles = registry.oracleCount();
    int signed = answers.signatures().size();
    SlashStatus s = a.status();
    if (signed >= threshold) {
      s.setPhase(BatchPhase.Submitting);
      submission.set(
          s,
          ChainSubmission.ATTESTED,
          Conditions.TRUE,
          "QuorumReached",
          signed + " oracles signed, " + threshold + " needed");
      a.write();
      return Duration.ofSeconds(1);
    }
    int refused = answers.refusals().size();
    if (oracles - refused < threshold) {
      return a.abandon(
          "QuorumRefused",
          refused
              + " of "
              + oracles
              + " oracles refused: "
              + String.join(
                  "; ",
                  answers.refusals().stream().flatMap(r -> r.getRefusals().stream()).toList()));
    }
    if (chain.blockTime() >= a.deadline()) {
      return a.abandon("Expired", "the deadline passed before a quorum signed");
    }
    submission.set(
        s,
        ChainSubmission.ATTESTED,
        Conditions.FALSE,
        "Collecting",
        signed + " of " + threshold + " signatures");
    a.write();
    return Duration.ofSeconds(5);
  }

  private Duration confirm(SlashAction a) throws Exception {
    Optional<Long> deep = submission.confirm(a);
    if (deep.isEmpty()) {
      return Duration.ofSeconds(1);
    }
    SlashStatus s = a.status();
    s.setPhase(BatchPhase.Settled);
    String message =
        "provider "
            + a.spec().getProvider()
            + " lost "
            + s.getTaken()
            + " wei in "
            + s.getTxHash()
            + " at block "
            + s.getBlockNumber()
            + ", "
            + deep.get()
            + " blocks deep";
    submission.set(s, SLASHED, Conditions.TRUE, "Confirmed", message);
    a.write();
    a.event(BridgeEvents.NORMAL, SLASHED, message);
    LOG.infof("slash %s: %s", a.resource().getMetadata().getName(), message);
    a.count("Slashed");
    return null;
  }

  /** A Slash as the submission steps see it: the registry's slash call for one evidence. */
  private final class SlashAction extends RelayedResource<Slash, SlashStatus, BigInteger> {
    private final SlashStatus s;

    SlashAction(KubernetesClient client, Slash slash, SlashStatus s) {
      super(
          client,
          slash,
          s,
          submission,
          events,
          metrics,
          SLASHED,
          "aifabric_bridge_slash_steps_total");
      this.s = s;
    }

    SlashSpec spec() {
      return resource().getSpec();
    }

    OracleAnswers answers() throws Exception {
      return OracleAnswers.of(
          s.getAttestations(),
          SlashSpecs.digest(spec(), registry),
          registry.domain(),
          registry::isOracle,
          () -> metrics.counter("aifabric_bridge_forged_answers_total").increment());
    }

    @Override
    public String contract() {
      return registry.address();
    }

    @Override
    public long deadline() {
      return spec().getDeadline();
    }

    /** Done when the registry used the evidence: by this slash, whoever sent it. */
    @Override
    public Landing<BigInteger> landing() throws Exception {
      byte[] evidence = SlashSpecs.evidence(spec());
      if (!registry.evidenceUsed(evidence)) {
        return new Landing.NotYet<>();
      }
      Optional<RegistryChain.Slashed> slashed = registry.slashed(evidence);
      if (slashed.isEmpty()) {
        return new Landing.Lagging<>();
      }
      RegistryChain.Slashed at = slashed.get();
      return new Landing.Landed<>(at.txHash(), at.blockNumber(), at.blockHash(), at.taken());
    }

    @Override
    public Optional<String> call() throws Exception {
      List<OracleSignatures.Signed> quorum = answers().signatures();
      int threshold = registry.threshold();
      if (quorum.size() < threshold) {
        s.setPhase(BatchPhase.Collecting);
        submission.set(
            s,
            ChainSubmission.ATTESTED,
            Conditions.FALSE,
            "QuorumLost",
            quorum.size() + " valid signatures, " + threshold + " needed");
        write();
        return Optional.empty();
      }
      var attestation = SlashSpecs.attestation(spec());
      return Optional.of(
          TransactionSender.slashCall(
              attestation.provider(),
              attestation.node(),
              attestation.amount(),
              attestation.evidence(),
              attestation.deadline(),
              OracleSignatures.combine(quorum.subList(0, threshold))));
    }

    @Override
    public void landed(BigInteger taken) {
      s.setTaken(taken.toString());
    }
  }
}
