package io.aifabric.console.chain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;
import org.web3j.protocol.core.DefaultBlockParameter;

/**
 * Reads a job's deposit from the escrow when its page is shown ({@code eth_call} of {@code
 * depositOf}, read-only), and keeps it for one refresh period: however many tabs show a job, the
 * chain is asked about it at most once per period. The kept reads are bounded; past the bound they
 * are dropped and read again when asked.
 */
@ApplicationScoped
public class EscrowDeposits implements DepositSource {
  static final int MAX_KEPT = 10_000;

  private final EscrowReads escrow;
  private final Duration refresh;
  private final Clock clock;
  private final Map<Long, EscrowDeposit> kept = new ConcurrentHashMap<>();

  @Inject
  EscrowDeposits(EscrowReads escrow, ChainConfig config) {
    this(escrow, config.refresh(), Clock.systemUTC());
  }

  EscrowDeposits(EscrowReads escrow, Duration refresh, Clock clock) {
    this.escrow = escrow;
    this.refresh = refresh;
    this.clock = clock;
  }

  @Override
  public Optional<EscrowDeposit> deposit(long escrowJobId) {
    if (!escrow.configured()) {
      return Optional.empty();
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    EscrowDeposit held = kept.get(escrowJobId);
    if (held != null && held.readAt().plus(refresh).isAfter(now)) {
      return Optional.of(held);
    }
    if (kept.size() >= MAX_KEPT) {
      kept.clear();
    }
    EscrowDeposit read = read(escrowJobId, now);
    kept.put(escrowJobId, read);
    return Optional.of(read);
  }

  @SuppressWarnings("rawtypes")
  private EscrowDeposit read(long escrowJobId, Instant now) {
    Function depositOf =
        new Function(
            "depositOf",
            List.of(new Uint64(escrowJobId)),
            List.of(
                new TypeReference<Address>() {},
                new TypeReference<Address>() {},
                new TypeReference<Uint32>() {},
                new TypeReference<Uint256>() {},
                new TypeReference<Uint64>() {},
                new TypeReference<Bool>() {}));
    try {
      BigInteger block = escrow.latestBlock();
      List<Type> out = escrow.view(depositOf, DefaultBlockParameter.valueOf(block));
      return EscrowDeposit.read(
          escrowJobId,
          (String) out.get(0).getValue(),
          (String) out.get(1).getValue(),
          (BigInteger) out.get(3).getValue(),
          ((BigInteger) out.get(4).getValue()).longValueExact(),
          (Boolean) out.get(5).getValue(),
          block.longValueExact(),
          now);
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return EscrowDeposit.unreadable(escrowJobId, why, now);
    }
  }
}
