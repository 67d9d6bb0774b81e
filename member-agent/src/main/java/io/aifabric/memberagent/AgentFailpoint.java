package io.aifabric.memberagent;

import java.util.Optional;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Crash points for the crash tests ({@code aifabric.member-agent.failpoint}): reaching the armed
 * point halts the JVM at once — no shutdown hooks, no last writes — so that a test kills the agent
 * exactly where it means to.
 */
final class AgentFailpoint {
  private static final Logger LOG = Logger.getLogger(AgentFailpoint.class);

  /** The member Job was created; the MemberWork's status does not say so yet. */
  static final String AFTER_JOB_CREATED = "after-job-created";

  private static final Optional<String> ARMED =
      ConfigProvider.getConfig().getOptionalValue("aifabric.member-agent.failpoint", String.class);

  private AgentFailpoint() {}

  static void reach(String point) {
    if (ARMED.filter(point::equals).isPresent()) {
      LOG.errorf("failpoint %s reached: halting", point);
      Runtime.getRuntime().halt(137);
    }
  }
}
