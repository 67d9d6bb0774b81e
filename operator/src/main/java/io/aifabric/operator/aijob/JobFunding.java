package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.Funding;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.funding.DepositSource;
import io.aifabric.operator.funding.FundingGate;
import io.aifabric.operator.funding.FundingRequirement;
import io.aifabric.operator.funding.FundingVerdict;
import io.aifabric.operator.funding.FundingVerdict.Funded;
import io.aifabric.operator.funding.FundingVerdict.Unfunded;
import io.aifabric.operator.status.EventRecorder;
import io.aifabric.protocol.DepositKey;
import io.aifabric.protocol.Hex;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code Funded} gate before placement: a job that pays from escrow is placed (on its deposit's
 * provider's members only) once {@link FundingGate} finds its deposit covers it; until then it is
 * Pending with the reason, and {@code status.funding} tells the payer what to deposit under which
 * key.
 */
@ApplicationScoped
class JobFunding {
  static final String FUNDED = "Funded";

  /** Reasons that need the payer to act: said as Warning Events, the rest as Normal. */
  private static final Set<String> WARNINGS =
      Set.of("Underfunded", "DeadlineTooSoon", "DepositClosed");

  private final DepositSource chain;
  private final OperatorConfig config;
  private final Conditions conditions;
  private final EventRecorder events;

  JobFunding(
      DepositSource chain, OperatorConfig config, Conditions conditions, EventRecorder events) {
    this.chain = chain;
    this.config = config;
    this.conditions = conditions;
    this.events = events;
  }

  /**
   * @return empty when the job must wait (the status says why); otherwise the provider the job must
   *     be placed with, or the empty string for a job that does not pay from escrow
   */
  Optional<String> check(AIJob job, AIJobStatus status) {
    var payment = job.getSpec().getPayment();
    if (payment == null || !payment.paysFromEscrow()) {
      return Optional.of("");
    }
    var meta = job.getMetadata();
    byte[] key =
        DepositKey.of(config.networkId(), meta.getNamespace(), meta.getName(), meta.getUid());
    FundingRequirement need =
        FundingRequirement.of(
            job.getSpec(),
            MaxDuration.parse(job.getSpec().getMaxDuration()),
            config.proof().receiptWait(),
            config.chain().settlementWindow());
    FundingVerdict verdict = FundingGate.check(chain, payment.getPayer(), key, need);
    Funding funding = new Funding();
    funding.setDepositKey(Hex.encode(key));
    funding.setRequired(need.required().toPlainString());
    Long generation = meta.getGeneration();
    if (verdict instanceof Funded funded) {
      funding.setEscrowJobId(funded.deposit().escrowJobId());
      funding.setProvider(funded.deposit().provider());
      funding.setDeadline(funded.deposit().deadline().toString());
      status.setFunding(funding);
      if (!Conditions.isTrue(status.getConditions(), FUNDED)) {
        events.record(job, EventRecorder.NORMAL, "Funded", funded.message());
      }
      conditions.set(
          status.getConditions(),
          FUNDED,
          Conditions.TRUE,
          "DepositCovers",
          funded.message(),
          generation);
      return Optional.of(funded.deposit().provider());
    }
    Unfunded unfunded = (Unfunded) verdict;
    status.setFunding(funding);
    status.setPhase(JobPhase.Pending);
    if (!Conditions.says(status.getConditions(), FUNDED, unfunded.message())) {
      events.record(
          job,
          WARNINGS.contains(unfunded.reason()) ? EventRecorder.WARNING : EventRecorder.NORMAL,
          unfunded.reason(),
          unfunded.message());
    }
    conditions.set(
        status.getConditions(),
        FUNDED,
        Conditions.FALSE,
        unfunded.reason(),
        unfunded.message(),
        generation);
    return Optional.empty();
  }
}
