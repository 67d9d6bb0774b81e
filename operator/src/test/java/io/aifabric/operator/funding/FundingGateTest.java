package io.aifabric.operator.funding;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.GpuResources;
import io.aifabric.api.v1alpha1.aijob.Payment;
import io.aifabric.api.v1alpha1.aijob.PlacementConstraints;
import io.aifabric.operator.funding.FundingVerdict.Funded;
import io.aifabric.operator.funding.FundingVerdict.Unfunded;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Funded gate on an in-memory escrow: the payer's own deposit, or the job waits. */
class FundingGateTest {
  private static final String PAYER = "0x1111111111111111111111111111111111111111";
  private static final String PROVIDER = "0x2222222222222222222222222222222222222222";
  private static final byte[] KEY = filled(0xab);
  private static final String KEY_HEX = "0x" + "ab".repeat(32);
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  /** 2 h run + 1 h receipts + 1 h settlement. */
  private static final FundingRequirement NEED =
      new FundingRequirement(new BigDecimal("0.5"), Duration.ofHours(4));

  private EscrowDeposit deposit;
  private String depositedBy = PAYER;
  private byte[] depositedUnder = KEY;
  private boolean chainDown;

  private final DepositSource escrow =
      new DepositSource() {
        @Override
        public boolean configured() {
          return true;
        }

        @Override
        public Optional<EscrowDeposit> find(String payer, byte[] key) throws IOException {
          if (chainDown) {
            throw new IOException("connection refused");
          }
          return payer.equalsIgnoreCase(depositedBy) && Arrays.equals(key, depositedUnder)
              ? Optional.ofNullable(deposit)
              : Optional.empty();
        }

        @Override
        public Instant chainTime() {
          return NOW;
        }
      };

  @Test
  void aDepositThatCoversTheWorstCaseAndOutlastsTheRunFundsTheJob() {
    deposit = deposit("0.5", NOW.plus(Duration.ofHours(4)), false);

    FundingVerdict verdict = check();

    assertThat(verdict).isInstanceOf(Funded.class);
    assertThat(((Funded) verdict).deposit().provider()).isEqualTo(PROVIDER);
  }

  @Test
  void withoutADepositTheJobWaitsAndIsToldWhatToDeposit() {
    assertThat(check())
        .isEqualTo(
            new Unfunded(
                "AwaitingDeposit",
                "waiting for a deposit from "
                    + PAYER
                    + " under key "
                    + KEY_HEX
                    + " of at least 0.5 with a deadline after 2026-12-03T16:00:00Z"));
  }

  @Test
  void anotherJobsDepositOrAStrangersUnderThisKeyDoesNotFundIt() {
    deposit = deposit("1", NOW.plus(Duration.ofDays(1)), false);
    depositedUnder = filled(0xcd);
    assertThat(((Unfunded) check()).reason()).isEqualTo("AwaitingDeposit");

    depositedUnder = KEY;
    depositedBy = "0x3333333333333333333333333333333333333333";
    assertThat(((Unfunded) check()).reason()).isEqualTo("AwaitingDeposit");
  }

  @Test
  void anUnderfundedShortOrClosedDepositKeepsTheJobWaitingWithTheReason() {
    deposit = deposit("0.49", NOW.plus(Duration.ofDays(1)), false);
    assertThat(check())
        .isEqualTo(
            new Unfunded(
                "Underfunded",
                "escrow job 7 holds 0.49, less than the job's worst-case cost 0.5 (its budget, or"
                    + " every GPU for maxDuration at maxPricePerGpuHour): top it up with"
                    + " JobEscrow.topUp(7, deadline)"));

    deposit = deposit("0.5", NOW.plus(Duration.ofHours(4)).minusSeconds(1), false);
    assertThat(check())
        .isEqualTo(
            new Unfunded(
                "DeadlineTooSoon",
                "escrow job 7 may be refunded from 2026-12-03T15:59:59Z; the run, the receipt wait"
                    + " and the settlement window need it until 2026-12-03T16:00:00Z: extend it"
                    + " with JobEscrow.topUp(7, deadline)"));

    deposit = deposit("0.5", NOW.plus(Duration.ofDays(1)), true);
    assertThat(((Unfunded) check()).reason()).isEqualTo("DepositClosed");
  }

  @Test
  void noChainOrAChainThatDoesNotAnswerNeverFundsAJob() {
    chainDown = true;
    assertThat(check())
        .isEqualTo(
            new Unfunded("ChainUnavailable", "the chain did not answer: connection refused"));

    DepositSource none =
        new DepositSource() {
          @Override
          public boolean configured() {
            return false;
          }

          @Override
          public Optional<EscrowDeposit> find(String payer, byte[] key) {
            throw new AssertionError("not asked without a chain");
          }

          @Override
          public Instant chainTime() {
            throw new AssertionError("not asked without a chain");
          }
        };
    assertThat(((Unfunded) FundingGate.check(none, PAYER, KEY, NEED)).reason())
        .isEqualTo("NoChain");
  }

  @Test
  void theWorstCaseIsTheBudgetOrEveryGpuForMaxDurationAtTheMaximumPrice() {
    AIJobSpec spec = new AIJobSpec();
    GpuResources resources = new GpuResources();
    resources.setGpusPerReplica(2);
    spec.setResources(resources);
    spec.setReplicas(3);
    Payment payment = new Payment();
    payment.setBudget("5");
    spec.setPayment(payment);
    Duration run = Duration.ofMinutes(90);
    Duration hour = Duration.ofHours(1);

    FundingRequirement budgetOnly = FundingRequirement.of(spec, run, hour, hour);
    assertThat(budgetOnly.required()).isEqualByComparingTo("5");
    assertThat(budgetOnly.runway()).isEqualTo(Duration.ofMinutes(210));
    assertThat(budgetOnly.requiredWei()).isEqualTo(new BigInteger("5000000000000000000"));

    PlacementConstraints cap = new PlacementConstraints();
    cap.setMaxPricePerGpuHour("0.4"); // 6 GPUs × 1.5 h × 0.4 = 3.6
    spec.setPlacement(cap);
    assertThat(FundingRequirement.of(spec, run, hour, hour).required()).isEqualByComparingTo("3.6");

    payment.setBudget("2");
    assertThat(FundingRequirement.of(spec, run, hour, hour).required()).isEqualByComparingTo("2");
  }

  private FundingVerdict check() {
    return FundingGate.check(escrow, PAYER, KEY, NEED);
  }

  private static EscrowDeposit deposit(String ether, Instant deadline, boolean closed) {
    BigInteger wei = new BigDecimal(ether).multiply(BigDecimal.TEN.pow(18)).toBigIntegerExact();
    return new EscrowDeposit(7, PAYER, PROVIDER, wei, deadline, closed);
  }

  private static byte[] filled(int value) {
    byte[] bytes = new byte[32];
    Arrays.fill(bytes, (byte) value);
    return bytes;
  }
}
