package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.DISPATCHED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.aifabric.api.v1alpha1.memberwork.MemberWorkSpec;
import io.aifabric.api.v1alpha1.memberwork.MemberWorkStatus;
import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
import io.aifabric.operator.informer.LeanItemStore;
import io.aifabric.operator.outputs.SealingSidecar;
import io.aifabric.operator.outputs.StoreUnusableException;
import io.aifabric.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Dispatch to a pull member: the same namespace, headless Service and Indexed Job that {@link
 * Dispatcher} creates in a push member, written as one {@link MemberWork} into the member's
 * namespace on the host for its agent to apply; and the member Job's state read back from the
 * work's status, summed up by the same {@link MemberJobObserver} as a push member's. Watched (one
 * informer over every pull member's work; a status change reconciles its AIJob), never polled.
 */
@ApplicationScoped
public class PullDispatch {
  private final Dispatcher dispatcher;
  private final Conditions conditions;
  private final EventRecorder events;
  private volatile InformerEventSource<MemberWork, AIJob> works;

  public PullDispatch(Dispatcher dispatcher, Conditions conditions, EventRecorder events) {
    this.dispatcher = dispatcher;
    this.conditions = conditions;
    this.events = events;
  }

  /** The event source for the AIJob controller (called once, at start). */
  InformerEventSource<MemberWork, AIJob> eventSource(EventSourceContext<AIJob> context) {
    works =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(MemberWork.class, AIJob.class)
                .withName("memberworks")
                .withSecondaryToPrimaryMapper(
                    w ->
                        Set.of(
                            new ResourceID(
                                w.getSpec().getJobName(), w.getSpec().getJobNamespace())))
                .withItemStore(new LeanItemStore<>())
                .build(),
            context);
    return works;
  }

  /** The job's work for the given pull member, as the host holds it. */
  Optional<MemberWork> work(String cluster, AIJob job) {
    return works.get(
        new ResourceID(
            MemberWork.nameFor(DispatchNames.namespace(job), DispatchNames.name(job)),
            PullMember.namespace(cluster)));
  }

  /**
   * Writes the job's work for the member's agent (once: the name is the job's). Returns whether the
   * agent has applied it; until then {@code Dispatched} says what it waits for.
   *
   * @throws StoreUnusableException when the job's outputs could not be stored (nothing written)
   */
  boolean dispatch(
      KubernetesClient host, String cluster, AIJob job, AIJobStatus status, Long generation)
      throws StoreUnusableException {
    Optional<MemberWork> held = work(cluster, job);
    if (held.isEmpty()) {
      MemberWork work = workFor(cluster, job, status);
      try {
        works.handleRecentResourceCreate(
            ResourceID.fromResource(work), host.resource(work).create());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
      return waiting(
          job,
          status,
          generation,
          "AwaitingAgent",
          "MemberWork "
              + work.getMetadata().getName()
              + " written for "
              + cluster
              + "'s agent; waiting for it to apply it");
    }
    MemberWork work = held.get();
    if (work.getMetadata().getDeletionTimestamp() != null) {
      return waiting(
          job,
          status,
          generation,
          "AwaitingAgent",
          "an earlier copy of this job's work is being removed from " + cluster);
    }
    Optional<io.fabric8.kubernetes.api.model.Condition> applied =
        work.getStatus() == null
            ? Optional.empty()
            : Conditions.find(work.getStatus().getConditions(), MemberWork.APPLIED);
    if (applied.isPresent() && "True".equals(applied.get().getStatus())) {
      return true;
    }
    if (applied.isPresent()) {
      return waiting(
          job,
          status,
          generation,
          "RefusedByMember",
          cluster + "'s agent refused the work: " + applied.get().getMessage());
    }
    return waiting(
        job,
        status,
        generation,
        "AwaitingAgent",
        "MemberWork " + work.getMetadata().getName() + " waits for " + cluster + "'s agent");
  }

  /** The member Job as the agent reported it, or empty if the member has none (or no report). */
  Optional<Job> memberJob(String cluster, AIJob job) {
    MemberWorkStatus reported = work(cluster, job).map(MemberWork::getStatus).orElse(null);
    if (reported == null || !Boolean.TRUE.equals(reported.getJobExists())) {
      return Optional.empty();
    }
    var conditions =
        reported.getJobConditions().stream()
            .map(
                c ->
                    new JobConditionBuilder()
                        .withType(c.getType())
                        .withStatus(c.getStatus())
                        .withReason(c.getReason())
                        .withMessage(c.getMessage())
                        .build())
            .toList();
    return Optional.of(
        new JobBuilder()
            .withNewMetadata()
            .withName(DispatchNames.name(job))
            .withNamespace(DispatchNames.namespace(job))
            .endMetadata()
            .withNewStatus()
            .withConditions(conditions)
            .withCompletionTime(reported.getCompletionTime())
            .endStatus()
            .build());
  }

  /** The member Job's pods as the agent reported them. */
  List<ReportedPod> pods(String cluster, AIJob job) {
    return work(cluster, job)
        .map(MemberWork::getStatus)
        .map(MemberWorkStatus::getPods)
        .orElse(List.of());
  }

  /**
   * Deletes the job's work for the member on the host; its agent removes it from the member (now,
   * or when it is back) before the work's finalizer lets it go.
   */
  void withdraw(KubernetesClient host, String cluster, AIJob job) {
    host.resources(MemberWork.class)
        .inNamespace(PullMember.namespace(cluster))
        .withName(MemberWork.nameFor(DispatchNames.namespace(job), DispatchNames.name(job)))
        .delete();
  }

  /** Work the host is deleting in the member's namespace: its agent has not removed it yet. */
  public long beingRemoved(String cluster) {
    InformerEventSource<MemberWork, AIJob> source = works;
    return source == null
        ? 0
        : source
            .list(PullMember.namespace(cluster))
            .filter(w -> w.getMetadata().getDeletionTimestamp() != null)
            .count();
  }

  /**
   * The work: what {@link Dispatcher} creates in a push member, in the order the agent creates it.
   * A job's upload URLs come last, as a Secret the agent makes owned by the Job it created (until
   * that Secret exists the kubelet holds the pods back, as in push mode). They are in the work
   * because the agent may read nothing else on the host: the work is readable only by the operator
   * and this member's agent, as the Secret is in the member.
   */
  private MemberWork workFor(String cluster, AIJob job, AIJobStatus status)
      throws StoreUnusableException {
    String namespace = DispatchNames.namespace(job);
    String name = DispatchNames.name(job);
    Optional<List<String>> uploadUrls = dispatcher.uploadUrls(cluster, job, status.getPlacement());
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(TenantNamespaces.manifest(namespace));
    if (job.getSpec().getReplicas() > 1) {
      objects.add(Dispatcher.rendezvous(job));
    }
    objects.add(dispatcher.job(job, status.getPlacement(), Map.of()));
    uploadUrls.ifPresent(
        urls ->
            objects.add(
                SealingSidecar.uploadSecret(namespace, name, urls, DispatchNames.labels(job))));
    MemberWork work = new MemberWork();
    work.setMetadata(
        new ObjectMetaBuilder()
            .withName(MemberWork.nameFor(namespace, name))
            .withNamespace(PullMember.namespace(cluster))
            .withLabels(DispatchNames.labels(job))
            .build());
    MemberWorkSpec spec = new MemberWorkSpec();
    spec.setJobUid(job.getMetadata().getUid());
    spec.setJobNamespace(job.getMetadata().getNamespace());
    spec.setJobName(job.getMetadata().getName());
    for (HasMetadata object : objects) {
      spec.getManifests()
          .add(
              Serialization.unmarshal(
                  Serialization.asJson(object), GenericKubernetesResource.class));
    }
    work.setSpec(spec);
    return work;
  }

  private boolean waiting(
      AIJob job, AIJobStatus status, Long generation, String reason, String message) {
    if (!Conditions.says(status.getConditions(), DISPATCHED, message)) {
      events.record(job, EventRecorder.NORMAL, reason, message);
    }
    conditions.set(
        status.getConditions(), DISPATCHED, Conditions.FALSE, reason, message, generation);
    return false;
  }
}
