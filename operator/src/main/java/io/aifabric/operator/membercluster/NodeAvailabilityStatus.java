package io.aifabric.operator.membercluster;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.computenode.Availability;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.proof.AvailabilityLedger;
import io.aifabric.protocol.EthAddress;
import io.aifabric.protocol.HeartbeatVerifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;

/**
 * A registered node's Proof-of-Availability in its ComputeNode: {@code Available} from its signed
 * heartbeats, and {@code status.availability} (last heartbeat, epoch count, score), which is also
 * what a restarted operator continues the epoch from.
 */
@ApplicationScoped
public class NodeAvailabilityStatus {
  private final Conditions conditions;
  private final AvailabilityLedger ledger;
  private final HeartbeatVerifier heartbeats;
  private final Duration availabilityWriteInterval;

  public NodeAvailabilityStatus(
      Conditions conditions,
      AvailabilityLedger ledger,
      HeartbeatVerifier heartbeats,
      OperatorConfig config) {
    this.conditions = conditions;
    this.ledger = ledger;
    this.heartbeats = heartbeats;
    this.availabilityWriteInterval = config.proof().statusInterval();
  }

  /**
   * For a node with a registered agent, Available follows its heartbeats: fresh (within three
   * intervals) or missed. Availability (last heartbeat, epoch uptime, score) is written at most
   * once per status interval, whatever the heartbeat rate.
   */
  public void apply(GpuNodeInventory node, ComputeNode cn, ComputeNodeStatus status) {
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
}
