package io.aifabric.escrow.relayer;

import io.aifabric.protocol.Topics;
import io.aifabric.protocol.WorkReceipt;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.quarkus.runtime.Startup;
import io.smallrye.reactive.messaging.mqtt.SendingMqttMessageMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Clears the retained receipts of a settled job on the broker (an empty retained message on each
 * receipt's topic): agents publish receipts retained so that no bridge misses one, and without this
 * every restart of every subscriber would be handed all of history again. Best effort: a receipt
 * left retained is harmless (a settled job is never paid again; a bridge holds it only within its
 * bounded intake until the sweep).
 */
// Built at start, not on first use: the metric series it registers at 0 exist from the start.
@Startup
@ApplicationScoped
public class SettledReceiptClearing {
  private static final Logger LOG = Logger.getLogger(SettledReceiptClearing.class);

  private final Emitter<byte[]> emitter;
  private final MeterRegistry registry;

  public SettledReceiptClearing(
      @Channel("receipt-clears") Emitter<byte[]> emitter, MeterRegistry registry) {
    this.emitter = emitter;
    this.registry = registry;
    registry.counter("aifabric_bridge_receipts_cleared_total"); // 0 from the start, for dashboards
  }

  public void clear(String jobUid, List<WorkReceipt.Signed> receipts) {
    for (WorkReceipt.Signed signed : receipts) {
      String topic = Topics.receipt(signed.receipt().node(), jobUid);
      Message<byte[]> empty =
          Message.of(
              new byte[0],
              Metadata.of(new SendingMqttMessageMetadata(topic, MqttQoS.AT_LEAST_ONCE, true)),
              () -> {
                registry.counter("aifabric_bridge_receipts_cleared_total").increment();
                return CompletableFuture.completedFuture(null);
              },
              failure -> {
                LOG.debugf("retained receipt %s not cleared: %s", topic, failure.getMessage());
                return CompletableFuture.completedFuture(null);
              });
      try {
        emitter.send(empty);
      } catch (RuntimeException e) {
        LOG.debugf("retained receipt %s not cleared: %s", topic, e.getMessage());
      }
    }
  }
}
