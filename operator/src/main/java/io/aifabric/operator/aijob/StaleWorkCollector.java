package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Removes work from a member that no longer belongs there: the copy of a job that was re-placed
 * while this member was lost, or of an AIJob deleted while the member could not be reached. The
 * AIJob's status is the record of where a job runs; it is written before any dispatch, so it is
 * never behind the members.
 */
@ApplicationScoped
public class StaleWorkCollector {
  private static final Logger LOG = Logger.getLogger(StaleWorkCollector.class);

  private final Dispatcher dispatcher;

  public StaleWorkCollector(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  /** Deletes this member's stale copies; returns how many. */
  public int collect(KubernetesClient host, String cluster, KubernetesClient member) {
    int removed = 0;
    var jobs =
        member
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(DispatchNames.MANAGED_BY, DispatchNames.OPERATOR)
            .list()
            .getItems();
    for (Job job : jobs) {
      Map<String, String> labels = job.getMetadata().getLabels();
      AIJob owner =
          host.resources(AIJob.class)
              .inNamespace(labels.get(DispatchNames.JOB_NAMESPACE))
              .withName(labels.get(DispatchNames.JOB_NAME))
              .get();
      if (!belongsHere(owner, labels.get(DispatchNames.JOB_UID), cluster)) {
        LOG.infof(
            "member %s: removing stale Job %s/%s (AIJob %s/%s %s)",
            cluster,
            job.getMetadata().getNamespace(),
            job.getMetadata().getName(),
            labels.get(DispatchNames.JOB_NAMESPACE),
            labels.get(DispatchNames.JOB_NAME),
            owner == null ? "is gone" : "runs elsewhere");
        dispatcher.delete(member, job.getMetadata().getNamespace(), job.getMetadata().getName());
        removed++;
      }
    }
    return removed;
  }

  static boolean belongsHere(AIJob owner, String uid, String cluster) {
    return owner != null
        && owner.getMetadata().getUid().equals(uid)
        && owner.getMetadata().getDeletionTimestamp() == null
        && owner.getStatus() != null
        && owner.getStatus().getPlacement() != null
        && cluster.equals(owner.getStatus().getPlacement().getCluster());
  }
}
