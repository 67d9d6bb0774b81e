package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.EnvVar;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.contract.NodeLabels;
import io.aifabric.operator.Failpoint;
import io.aifabric.operator.OperatorConfig;
import io.aifabric.operator.outputs.SealingSidecar;
import io.aifabric.operator.outputs.StoreUnusableException;
import io.aifabric.operator.outputs.UploadGrants;
import io.aifabric.operator.volumes.JobVolumes;
import io.aifabric.operator.volumes.SealedInputs;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Creates an AIJob's work in its member cluster: the tenant namespace, for a gang a headless
 * Service for the replicas to find each other, and an Indexed Job (completions = parallelism =
 * replicas) whose pods ask for the placed GPU model. Deterministic names: dispatching twice, or
 * after a crash, changes nothing.
 */
@ApplicationScoped
public class Dispatcher {
  private final OperatorConfig config;
  private final Failpoint failpoint;
  private final UploadGrants uploadGrants;
  private final TenantNamespaces tenants;

  public Dispatcher(
      OperatorConfig config,
      Failpoint failpoint,
      UploadGrants uploadGrants,
      TenantNamespaces tenants) {
    this.config = config;
    this.failpoint = failpoint;
    this.uploadGrants = uploadGrants;
    this.tenants = tenants;
  }

  /**
   * Creates (or confirms) the job's work in the member. The tenant namespace is applied once per
   * member and remembered; if it was deleted behind our back, the failed apply forgets it and the
   * SDK's retry creates it again.
   */
  public Optional<Job> apply(
      String cluster,
      KubernetesClient member,
      AIJob job,
      Placement placement,
      Map<String, StorageVolume> volumes)
      throws StoreUnusableException {
    // Before anything is created: a job whose outputs cannot be stored is not started.
    Optional<List<String>> uploadUrls = uploadUrls(cluster, job, placement);
    String namespace = DispatchNames.namespace(job);
    String name = DispatchNames.name(job);
    Map<String, String> labels = DispatchNames.labels(job);
    tenants.ensure(cluster, member, namespace);
    try {
      Optional<Job> created = applyServiceAndJob(member, job, placement, volumes, namespace);
      created.ifPresent(c -> failpoint.reach(Failpoint.AFTER_MEMBER_JOB_CREATED));
      if (uploadUrls.isPresent()) {
        applyUploadSecret(member, created, namespace, name, labels, uploadUrls.get());
      }
      return created;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        tenants.forget(cluster, namespace);
      }
      throw e;
    }
  }

  /**
   * The upload URLs of a job whose outputs are sealed, granted for its run on the member (empty for
   * a job without sealed outputs).
   */
  Optional<List<String>> uploadUrls(String cluster, AIJob job, Placement placement)
      throws StoreUnusableException {
    if (job.getSpec().getEncryption() == null) {
      return Optional.empty();
    }
    return Optional.of(
        uploadGrants.grant(
            job,
            cluster,
            Duration.ofSeconds(
                RunDeadline.seconds(job.getSpec(), placement.getPricePerGpuHour()))));
  }

  /** The Job created now, or empty when it existed already. */
  private Optional<Job> applyServiceAndJob(
      KubernetesClient member,
      AIJob job,
      Placement placement,
      Map<String, StorageVolume> volumes,
      String namespace) {
    if (job.getSpec().getReplicas() > 1) {
      // Only a gang needs to find its members; a single replica has nobody to rendezvous with.
      createIfAbsent(
          () -> member.services().inNamespace(namespace).resource(rendezvous(job)).create());
    }
    return createIfAbsent(
        () ->
            member
                .batch()
                .v1()
                .jobs()
                .inNamespace(namespace)
                .resource(job(job, placement, volumes))
                .create());
  }

  /**
   * The sealing sidecars' upload URLs, owned by the member Job so that they go with it. Created
   * after the Job (whose UID owns it): until it exists the kubelet holds the pods back, waiting for
   * their Secret volume, so nothing runs without its URLs. A retried dispatch finds the Job there
   * already and creates only what is missing.
   */
  private static void applyUploadSecret(
      KubernetesClient member,
      Optional<Job> created,
      String namespace,
      String name,
      Map<String, String> labels,
      List<String> urls) {
    Job owner =
        created.orElseGet(
            () -> member.batch().v1().jobs().inNamespace(namespace).withName(name).get());
    if (owner == null) {
      throw new IllegalStateException(
          "member Job " + namespace + "/" + name + " vanished before its upload Secret was made");
    }
    createIfAbsent(
        () ->
            member
                .secrets()
                .inNamespace(namespace)
                .resource(SealingSidecar.uploadSecret(owner, urls, labels))
                .create());
  }

  /**
   * Creates an object whose name and content are fixed by the AIJob; one that exists already is the
   * same work (a retried or restarted dispatch). Cheaper for the member's API server than
   * server-side apply, which it measured as the bottleneck of a burst of dispatches.
   */
  private static <T> Optional<T> createIfAbsent(Supplier<T> create) {
    try {
      return Optional.of(create.get());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /**
   * A gang's headless Service: replica i is reachable at {@code <name>-<i>.<name>.<namespace>.svc}
   * (published before its pods are ready, so the replicas find each other while starting).
   */
  static io.fabric8.kubernetes.api.model.Service rendezvous(AIJob job) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(DispatchNames.name(job))
        .withNamespace(DispatchNames.namespace(job))
        .withLabels(DispatchNames.labels(job))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withSelector(Map.of(DispatchNames.JOB_UID, job.getMetadata().getUid()))
        .withPublishNotReadyAddresses(true)
        .endSpec()
        .build();
  }

  /** Deletes the job's Job (and its pods) and Service; the tenant namespace stays. */
  public void delete(KubernetesClient member, String namespace, String name) {
    member
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withName(name)
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.BACKGROUND)
        .delete();
    member.services().inNamespace(namespace).withName(name).delete();
  }

  Job job(AIJob job, Placement placement, Map<String, StorageVolume> volumes) {
    AIJobSpec spec = job.getSpec();
    String gpuModel = placement.getGpuModel();
    String name = DispatchNames.name(job);
    String namespace = DispatchNames.namespace(job);
    int replicas = spec.getReplicas() == null ? 1 : spec.getReplicas();
    Map<String, Quantity> limits = new HashMap<>();
    limits.put(
        NodeLabels.GPU_RESOURCE,
        new Quantity(String.valueOf(spec.getResources().getGpusPerReplica())));
    Map<String, Quantity> requests = new HashMap<>(limits);
    if (spec.getResources().getCpu() != null) {
      requests.put("cpu", spec.getResources().getCpu());
    }
    if (spec.getResources().getMemory() != null) {
      requests.put("memory", spec.getResources().getMemory());
    }
    List<io.fabric8.kubernetes.api.model.EnvVar> env = new ArrayList<>();
    for (EnvVar e : spec.getEnv()) {
      env.add(new EnvVarBuilder().withName(e.getName()).withValue(e.getValue()).build());
    }
    env.add(
        new EnvVarBuilder()
            .withName("AIFABRIC_JOB_UID")
            .withValue(job.getMetadata().getUid())
            .build());
    env.add(
        new EnvVarBuilder()
            .withName("AIFABRIC_REPLICAS")
            .withValue(String.valueOf(replicas))
            .build());
    if (replicas > 1) {
      // Replica i is reachable at <name>-<i>.<name>.<namespace>.svc: the rendezvous for a gang.
      env.add(
          new EnvVarBuilder()
              .withName("AIFABRIC_RENDEZVOUS")
              .withValue(name + "-0." + name + "." + namespace + ".svc")
              .build());
    }
    Job built =
        new JobBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(namespace)
            .withLabels(DispatchNames.labels(job))
            .endMetadata()
            .withNewSpec()
            .withCompletions(replicas)
            .withParallelism(replicas)
            .withCompletionMode("Indexed")
            // A failed replica fails the job: the network does not silently run paid work again.
            .withBackoffLimit(0)
            .withActiveDeadlineSeconds(RunDeadline.seconds(spec, placement.getPricePerGpuHour()))
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(DispatchNames.labels(job))
            .withAnnotations(podAnnotations(spec))
            .endMetadata()
            .withNewSpec()
            .withSchedulerName(config.dispatch().schedulerName())
            .withSubdomain(name)
            .withRestartPolicy("Never")
            .withAutomountServiceAccountToken(false)
            .withNodeSelector(Map.of(NodeLabels.GFD_PRODUCT, gpuModel))
            .withNewSecurityContext()
            .withRunAsNonRoot(true)
            .withRunAsUser(1000L)
            .withNewSeccompProfile()
            .withType("RuntimeDefault")
            .endSeccompProfile()
            .endSecurityContext()
            .addNewContainer()
            .withName("main")
            .withImage(spec.getImage())
            .withCommand(spec.getCommand())
            .withEnv(env)
            .withResources(
                new ResourceRequirementsBuilder().withLimits(limits).withRequests(requests).build())
            .withNewSecurityContext()
            .withAllowPrivilegeEscalation(false)
            .withNewCapabilities()
            .withDrop("ALL")
            .endCapabilities()
            .endSecurityContext()
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    requirePlacementConstraints(built.getSpec().getTemplate().getSpec(), spec);
    JobVolumes.mount(built.getSpec().getTemplate().getSpec(), job, volumes);
    if (SealedInputs.any(job, volumes)) {
      SealedInputs.addTo(
          built.getSpec().getTemplate().getSpec(),
          built.getSpec().getTemplate().getMetadata().getAnnotations(),
          name,
          config.sealing().image(),
          SealedInputs.manifest(job, placement, volumes, config.networkId()),
          placement);
    }
    if (spec.getEncryption() != null) {
      SealingSidecar.addTo(
          built.getSpec().getTemplate().getSpec(),
          name,
          config.sealing().image(),
          spec.getEncryption().getUserPublicKey(),
          config.networkId(),
          job.getMetadata().getUid(),
          config.sealing().window());
    }
    return built;
  }

  /**
   * The job's tier and availability floors, as node-affinity on the labels the operator keeps on
   * the member's Nodes ({@code aifabric.io/tier}, {@code aifabric.io/availability-score}): the
   * member's scheduler, whichever it is, binds the pods only where placement could have put them.
   */
  private static void requirePlacementConstraints(PodSpec pod, AIJobSpec spec) {
    if (spec.getPlacement() == null) {
      return;
    }
    Integer minTier = spec.getPlacement().getMinTier();
    if (minTier != null && minTier > 0) {
      RequiredNodeTerm.requireLabel(pod, greaterThan(NodeLabels.TIER, minTier - 1));
    }
    Integer minScore = spec.getPlacement().getMinAvailabilityScore();
    if (minScore != null && minScore > 0) {
      RequiredNodeTerm.requireLabel(pod, greaterThan(NodeLabels.SCORE, minScore - 1));
    }
  }

  private static NodeSelectorRequirement greaterThan(String label, int value) {
    return new NodeSelectorRequirementBuilder()
        .withKey(label)
        .withOperator("Gt")
        .withValues(String.valueOf(value))
        .build();
  }

  /**
   * What the member's aifabric scheduler extender needs beyond the pod spec: the minimum memory per
   * GPU, which no Kubernetes resource expresses (the extender checks it against GPU Feature
   * Discovery's {@code nvidia.com/gpu.memory}).
   */
  private static Map<String, String> podAnnotations(AIJobSpec spec) {
    Integer minMemory =
        spec.getResources() == null ? null : spec.getResources().getMinGpuMemoryMiB();
    Map<String, String> annotations = new HashMap<>();
    if (minMemory != null) {
      annotations.put(NodeLabels.MIN_GPU_MEMORY_ANNOTATION, String.valueOf(minMemory));
    }
    return annotations;
  }
}
