package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.jboss.logging.Logger;

/**
 * Before the agent says it is alive (its first Lease renewal), it removes from its member every
 * aifabric Job whose work the host no longer lists, or is deleting: the copy of a job that was
 * placed elsewhere while this member was lost must not run on beside the new one. The host counts a
 * pull member as back only once its Lease changes again, so never while a stale copy runs.
 */
final class StaleWork {
  private static final Logger LOG = Logger.getLogger(StaleWork.class);

  private StaleWork() {}

  /** Deletes the stale copies; returns how many. */
  static int remove(KubernetesClient member, KubernetesClient host, String hostNamespace) {
    int removed = 0;
    for (Job job :
        member
            .batch()
            .v1()
            .jobs()
            .inAnyNamespace()
            .withLabel(MemberObjects.MANAGED_BY, MemberObjects.OPERATOR)
            .list()
            .getItems()) {
      String namespace = job.getMetadata().getNamespace();
      String name = job.getMetadata().getName();
      MemberWork work =
          host.resources(MemberWork.class)
              .inNamespace(hostNamespace)
              .withName(MemberWork.nameFor(namespace, name))
              .get();
      if (work != null && work.getMetadata().getDeletionTimestamp() == null) {
        continue;
      }
      LOG.infof(
          "removing stale Job %s/%s: the host %s",
          namespace, name, work == null ? "no longer lists its work" : "is deleting its work");
      member
          .batch()
          .v1()
          .jobs()
          .inNamespace(namespace)
          .withName(name)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND)
          .delete();
      member.services().inNamespace(namespace).withName(name).delete();
      removed++;
    }
    return removed;
  }
}
