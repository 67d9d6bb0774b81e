package io.aifabric.escrow.rewards;

import io.aifabric.escrow.audit.ReceiptAdmission;
import io.aifabric.escrow.bridge.BridgeConfig;
import io.aifabric.escrow.bridge.BrokerMessages;
import io.aifabric.escrow.bridge.SignerRecovery;
import io.aifabric.protocol.BoundedHandoff;
import io.aifabric.protocol.Heartbeat;
import io.aifabric.protocol.HeartbeatCodec;
import io.aifabric.protocol.MalformedMessageException;
import io.aifabric.protocol.RewardTree;
import io.aifabric.protocol.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * This oracle's own count of every registered node's availability: the heartbeats it took off the
 * broker itself, on the node's own topic, signed by the node (the signature recovers to the address
 * in the heartbeat), from an address a ComputeNode names as its registered key (so signed junk from
 * fresh keys costs nothing); counted per epoch as {@link EpochTally} says. The MQTT loop only
 * queues; one worker checks and counts. With a state directory, every count is journalled ({@link
 * EpochJournal}) and replayed at start, so a restarted oracle still signs the epochs it counted.
 */
@ApplicationScoped
public class AvailabilityCount {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(AvailabilityCount.class);

  /** Epochs a node's counts are kept for: the current one and those that may still be posted. */
  static final int KEPT_EPOCHS = 4;

  private final EpochTally tally;
  private final ReceiptAdmission registered;
  private final MeterRegistry registry;
  private final Clock clock = Clock.systemUTC();
  private final BoundedHandoff handoff;
  private final Optional<EpochJournal> journal;

  public AvailabilityCount(
      BridgeConfig config, ReceiptAdmission registered, MeterRegistry registry) {
    this.tally =
        new EpochTally(
            config.rewards().heartbeatInterval(),
            config.rewards().epoch(),
            config.rewards().maxSkew(),
            KEPT_EPOCHS);
    this.registered = registered;
    this.registry = registry;
    this.journal = config.rewards().stateDir().map(EpochJournal::new);
    if (journal.isPresent()) {
      try {
        int replayed = journal.get().replay(tally, oldestKept());
        LOG.infof("availability: %d heartbeats counted before a restart replayed", replayed);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot read the availability journal", e);
      }
    }
    this.handoff =
        new BoundedHandoff("heartbeats", 8L << 20, (topic, payload) -> count(take(topic, payload)));
  }

  @Incoming("heartbeats")
  public CompletionStage<Void> onMessage(Message<byte[]> message) {
    return BrokerMessages.handOff(handoff, message, this::count);
  }

  private String take(String topic, byte[] payload) {
    Heartbeat.Signed signed;
    try {
      signed = HeartbeatCodec.decode(payload);
    } catch (MalformedMessageException e) {
      return "malformed";
    }
    Heartbeat hb = signed.heartbeat();
    if (topic != null && !topic.equals(Topics.heartbeat(hb.node()))) {
      return "wrong_topic";
    }
    String node = hb.node().toString().toLowerCase(Locale.ROOT);
    if (!registered.isRegistered(node)) {
      return "unknown_node";
    }
    String signer = SignerRecovery.signer(hb.digest(), signed.signature().toBytes()).orElse(null);
    if (!node.equals(signer)) {
      return "bad_signature";
    }
    synchronized (tally) {
      EpochTally.Counted counted = tally.count(node, hb.timestampMillis(), clock.millis());
      if (counted == EpochTally.Counted.COUNTED) {
        journal.ifPresent(
            j ->
                j.record(
                    node, hb.timestampMillis(), tally.epochOf(hb.timestampMillis()), oldestKept()));
      }
      return counted.name().toLowerCase(Locale.ROOT);
    }
  }

  /** The oldest epoch whose counts are kept. */
  private long oldestKept() {
    return currentEpoch() - KEPT_EPOCHS + 1;
  }

  /** The epoch now, by this oracle's clock. */
  public long currentEpoch() {
    return tally.epochOf(clock.millis());
  }

  /** Whether no heartbeat can count in the epoch any more, by this oracle's clock. */
  public boolean closed(long epoch) {
    return tally.closed(epoch, clock.millis());
  }

  /** The latest epoch that is closed by this oracle's clock. */
  public long lastClosedEpoch() {
    long epoch = currentEpoch();
    while (!closed(epoch)) {
      epoch--;
    }
    return epoch;
  }

  /** Whether this oracle still keeps the epoch's counts (it keeps the last few epochs only). */
  public boolean keeps(long epoch) {
    return epoch > currentEpoch() - KEPT_EPOCHS;
  }

  /**
   * A closed epoch's table as this oracle counted it.
   *
   * @return empty while the epoch is not closed ({@link EpochTally#closed}, by this clock), or when
   *     no node scored in it
   */
  public Optional<RewardTree> table(long epoch) {
    if (!tally.closed(epoch, clock.millis())) {
      return Optional.empty();
    }
    synchronized (tally) {
      return tally.table(epoch);
    }
  }

  private void count(String result) {
    registry.counter("aifabric_bridge_heartbeats_total", "result", result).increment();
  }

  @PreDestroy
  void close() {
    handoff.close();
    synchronized (tally) {
      journal.ifPresent(EpochJournal::close);
    }
  }
}
