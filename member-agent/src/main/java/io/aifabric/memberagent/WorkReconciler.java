package io.aifabric.memberagent;

import io.aifabric.api.v1alpha1.memberwork.MemberWork;
import io.aifabric.api.v1alpha1.memberwork.MemberWorkStatus;
import io.aifabric.api.v1alpha1.memberwork.ReportedJobCondition;
import io.aifabric.api.v1alpha1.memberwork.ReportedPod;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Applies the MemberWork the host writes into this member's namespace there: each manifest created
 * in the member if absent (deterministic names: applying twice, or after a crash, creates nothing
 * twice), refused whole if anything in it is not what the network may create ({@link
 * MemberObjects}); then reports the member Job's conditions and its pods back into the work's
 * status, from informers on the member (a change there reconciles its work). A work the host
 * deletes is removed from the member before the finalizer lets it go.
 */
@ControllerConfiguration(name = "memberwork", finalizerName = MemberWork.FINALIZER)
public class WorkReconciler implements Reconciler<MemberWork>, Cleaner<MemberWork> {
  private static final Logger LOG = Logger.getLogger(WorkReconciler.class);
  static final String JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

  private final KubernetesClient member;
  private final String hostNamespace;
  private final Clock clock;

  WorkReconciler(KubernetesClient member, String hostNamespace, Clock clock) {
    this.member = member;
    this.hostNamespace = hostNamespace;
    this.clock = clock;
  }

  @Override
  public UpdateControl<MemberWork> reconcile(MemberWork work, Context<MemberWork> ctx) {
    MemberWorkStatus old = work.getStatus() == null ? new MemberWorkStatus() : work.getStatus();
    MemberWorkStatus status = Serialization.clone(old);
    List<GenericKubernetesResource> manifests = work.getSpec().getManifests();
    Optional<String> refused =
        manifests.stream()
            .map(m -> MemberObjects.refusal(m, work))
            .filter(Objects::nonNull)
            .findFirst();
    if (refused.isPresent()) {
      LOG.warnf("MemberWork %s refused: %s", work.getMetadata().getName(), refused.get());
      applied(
          status, work, "False", "Refused", refused.get() + "; nothing of this work was applied");
      return write(work, old, status);
    }
    Optional<Job> job = ctx.getSecondaryResource(Job.class);
    if (!isApplied(old)) {
      for (GenericKubernetesResource manifest : manifests) {
        if ("Secret".equals(manifest.getKind())) {
          // The Job's upload URLs, owned by the Job: they go with it (the agent deletes no
          // Secret), and until they exist the kubelet holds its pods back.
          createIfAbsent(ownedBy(manifest, job.or(() -> memberJob(manifests))));
          continue;
        }
        Optional<GenericKubernetesResource> created = createIfAbsent(manifest);
        if (created.isPresent() && "Job".equals(manifest.getKind())) {
          AgentFailpoint.reach(AgentFailpoint.AFTER_JOB_CREATED);
          job =
              Optional.of(Serialization.unmarshal(Serialization.asJson(created.get()), Job.class));
        }
      }
      applied(status, work, "True", "Applied", manifests.size() + " objects exist in the member");
    }
    if (job.isEmpty()) {
      // Not in the cache: asked once more before it counts as gone (the cache may be behind).
      job = memberJob(manifests);
    }
    observe(status, job, ctx.getSecondaryResources(Pod.class));
    return write(work, old, status);
  }

  @Override
  public DeleteControl cleanup(MemberWork work, Context<MemberWork> ctx) {
    Optional<GenericKubernetesResource> job = jobOf(work.getSpec().getManifests());
    for (GenericKubernetesResource manifest : work.getSpec().getManifests()) {
      // A tenant namespace is shared by its tenant's jobs; an upload Secret goes with its Job.
      if (!"Namespace".equals(manifest.getKind()) && !"Secret".equals(manifest.getKind())) {
        member
            .genericKubernetesResources(manifest.getApiVersion(), manifest.getKind())
            .inNamespace(manifest.getMetadata().getNamespace())
            .withName(manifest.getMetadata().getName())
            .withPropagationPolicy(DeletionPropagation.BACKGROUND)
            .delete();
      }
    }
    if (job.isPresent() && get(job.get()) != null) {
      // Deleting: the finalizer stays until the Job is gone from the member.
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(1000);
    }
    LOG.infof("MemberWork %s: its work left the member", work.getMetadata().getName());
    return DeleteControl.defaultDelete();
  }

  @Override
  public List<EventSource<?, MemberWork>> prepareEventSources(
      EventSourceContext<MemberWork> context) {
    InformerEventSource<Job, MemberWork> jobs =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, MemberWork.class)
                .withName("member-jobs")
                .withKubernetesClient(member)
                .withWatchAllNamespaces()
                .withLabelSelector(MemberObjects.MANAGED_BY + "=" + MemberObjects.OPERATOR)
                .withSecondaryToPrimaryMapper(
                    j -> work(j.getMetadata().getNamespace(), j.getMetadata().getName()))
                .build(),
            context);
    InformerEventSource<Pod, MemberWork> pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, MemberWork.class)
                .withName("member-pods")
                .withKubernetesClient(member)
                .withWatchAllNamespaces()
                .withLabelSelector(MemberObjects.MANAGED_BY + "=" + MemberObjects.OPERATOR)
                .withSecondaryToPrimaryMapper(this::workOfPod)
                .build(),
            context);
    return List.of(jobs, pods);
  }

  private Set<ResourceID> work(String namespace, String jobName) {
    return Set.of(new ResourceID(MemberWork.nameFor(namespace, jobName), hostNamespace));
  }

  /** A pod's work: its Job's, by the job-name label the Job controller puts on its pods. */
  private Set<ResourceID> workOfPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    String job =
        labels == null ? null : labels.getOrDefault(JOB_NAME_LABEL, labels.get("job-name"));
    return job == null ? Set.of() : work(pod.getMetadata().getNamespace(), job);
  }

  private UpdateControl<MemberWork> write(
      MemberWork work, MemberWorkStatus old, MemberWorkStatus status) {
    status.setObservedGeneration(work.getMetadata().getGeneration());
    if (status.equals(old)) {
      return UpdateControl.noUpdate();
    }
    MemberWork patch = new MemberWork();
    patch.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName(work.getMetadata().getName())
            .withNamespace(work.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return UpdateControl.patchStatus(patch);
  }

  private static boolean isApplied(MemberWorkStatus status) {
    return status.getConditions().stream()
        .anyMatch(c -> MemberWork.APPLIED.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void applied(
      MemberWorkStatus status, MemberWork work, String value, String reason, String message) {
    Condition current =
        status.getConditions().stream()
            .filter(c -> MemberWork.APPLIED.equals(c.getType()))
            .findFirst()
            .orElse(null);
    if (current != null
        && value.equals(current.getStatus())
        && reason.equals(current.getReason())
        && message.equals(current.getMessage())) {
      return;
    }
    status.getConditions().removeIf(c -> MemberWork.APPLIED.equals(c.getType()));
    status
        .getConditions()
        .add(
            new ConditionBuilder()
                .withType(MemberWork.APPLIED)
                .withStatus(value)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(work.getMetadata().getGeneration())
                .withLastTransitionTime(clock.instant().toString())
                .build());
  }

  /** The member Job's and its pods' state, as the push operator's informers would show it. */
  static void observe(MemberWorkStatus status, Optional<Job> job, Set<Pod> pods) {
    status.setJobExists(job.isPresent());
    status.setJobConditions(new ArrayList<>());
    status.setCompletionTime(null);
    if (job.isPresent() && job.get().getStatus() != null) {
      if (job.get().getStatus().getConditions() != null) {
        job.get()
            .getStatus()
            .getConditions()
            .forEach(
                c ->
                    status
                        .getJobConditions()
                        .add(
                            new ReportedJobCondition(
                                c.getType(), c.getStatus(), c.getReason(), c.getMessage())));
      }
      status.setCompletionTime(job.get().getStatus().getCompletionTime());
    }
    List<ReportedPod> reported = new ArrayList<>();
    for (Pod pod : pods) {
      reported.add(ReportedPod.of(pod));
    }
    reported.sort(Comparator.comparing(ReportedPod::getName));
    status.setPods(reported);
  }

  private Optional<GenericKubernetesResource> createIfAbsent(GenericKubernetesResource manifest) {
    GenericKubernetesResource object = manifest;
    if ("Namespace".equals(manifest.getKind())) {
      // Whatever the host asked for, a tenant namespace runs restricted pods only.
      object = Serialization.clone(manifest);
      object.getMetadata().getLabels().put("pod-security.kubernetes.io/enforce", "restricted");
    }
    try {
      return Optional.of(member.resource(object).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /** The upload Secret, owned by the member Job (which must exist: it is created first). */
  private static GenericKubernetesResource ownedBy(
      GenericKubernetesResource secret, Optional<Job> job) {
    Job owner =
        job.orElseThrow(
            () ->
                new IllegalStateException(
                    "Secret "
                        + secret.getMetadata().getName()
                        + " comes before its Job exists in the member; retried"));
    GenericKubernetesResource owned = Serialization.clone(secret);
    owned
        .getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("batch/v1")
                    .withKind("Job")
                    .withName(owner.getMetadata().getName())
                    .withUid(owner.getMetadata().getUid())
                    .build()));
    return owned;
  }

  /** The work's Job as the member has it now (asked, not from the cache), if it exists. */
  private Optional<Job> memberJob(List<GenericKubernetesResource> manifests) {
    return jobOf(manifests).map(this::get);
  }

  private static Optional<GenericKubernetesResource> jobOf(
      List<GenericKubernetesResource> manifests) {
    return manifests.stream().filter(m -> "Job".equals(m.getKind())).findFirst();
  }

  private Job get(GenericKubernetesResource job) {
    return member
        .batch()
        .v1()
        .jobs()
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .get();
  }
}
