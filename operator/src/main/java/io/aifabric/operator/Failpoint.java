package io.aifabric.operator;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Crash points for the crash tests ({@code aifabric.failpoint}): reaching the armed point halts the
 * JVM at once — no shutdown hooks, no last writes — so that a test kills the operator exactly where
 * it means to instead of hoping a SIGKILL lands there.
 */
@ApplicationScoped
public class Failpoint {
  private static final Logger LOG = Logger.getLogger(Failpoint.class);

  /** The member Job was created; the AIJob's status does not record the dispatch yet. */
  public static final String AFTER_MEMBER_JOB_CREATED = "after-member-job-created";

  private final Optional<String> armed;

  public Failpoint(OperatorConfig config) {
    this.armed = config.failpoint();
    armed.ifPresent(point -> LOG.warnf("failpoint %s armed: this operator halts there", point));
  }

  public void reach(String point) {
    if (armed.filter(point::equals).isPresent()) {
      LOG.errorf("failpoint %s reached: halting", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
