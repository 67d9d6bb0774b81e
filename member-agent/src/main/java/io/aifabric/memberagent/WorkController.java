package io.aifabric.memberagent;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import org.jboss.logging.Logger;

/**
 * Runs the agent's work controller (JOSDK, against the host through the agent's own client,
 * watching its member's namespace there only), after removing stale work from the member.
 */
@ApplicationScoped
public class WorkController {
  private static final Logger LOG = Logger.getLogger(WorkController.class);

  private final HostConnection connection;
  private final KubernetesClient member;
  private final Clock clock;
  private volatile Operator operator;
  private volatile boolean staleWorkRemoved;

  public WorkController(HostConnection connection, KubernetesClient member, Clock clock) {
    this.connection = connection;
    this.member = member;
    this.clock = clock;
  }

  void start(@Observes StartupEvent start) {
    KubernetesClient host = connection.host();
    int removed = StaleWork.remove(member, host, connection.namespace());
    LOG.infof("removed %d stale Jobs from the member", removed);
    staleWorkRemoved = true;
    Operator started = new Operator(o -> o.withKubernetesClient(host).withCloseClientOnStop(false));
    started.register(
        new WorkReconciler(member, connection.namespace(), clock),
        c -> c.settingNamespace(connection.namespace()));
    started.start();
    operator = started;
  }

  /** Whether the member holds no work the host no longer lists (checked once, at start). */
  boolean staleWorkRemoved() {
    return staleWorkRemoved;
  }

  void stop(@Observes ShutdownEvent stop) {
    if (operator != null) {
      operator.stop();
    }
  }
}
