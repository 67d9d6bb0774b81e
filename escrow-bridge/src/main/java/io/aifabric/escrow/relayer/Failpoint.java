package io.aifabric.escrow.relayer;

import io.aifabric.escrow.bridge.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Crash points for the crash tests ({@code aifabric.bridge.relayer.failpoint}): reaching the named
 * point halts the JVM at once — no shutdown hooks, no last writes — as a SIGKILL or a power cut
 * would, at exactly the moment the test is about. Unset in every real deployment.
 */
@ApplicationScoped
public class Failpoint {
  private static final Logger LOG = Logger.getLogger(Failpoint.class);

  /** After the signed transaction is recorded in the SettlementBatch, before it is broadcast. */
  public static final String AFTER_RECORD = "after-record";

  /** After the transaction is broadcast, before anything else is recorded. */
  public static final String AFTER_BROADCAST = "after-broadcast";

  private final Optional<String> armed;

  public Failpoint(BridgeConfig config) {
    this.armed = config.relayer().failpoint();
  }

  public void reach(String point) {
    if (armed.filter(point::equals).isPresent()) {
      LOG.errorf("failpoint %s reached: halting", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
