package io.aifabric.e2e;

import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.ObjectStore;
import io.aifabric.api.v1alpha1.membercluster.SecretRef;
import io.aifabric.protocol.broker.BrokerIdentities;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.MemberChart;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.OperatorProcess;
import io.aifabric.testbed.TestBed;
import io.aifabric.testing.MosquittoBroker;
import io.aifabric.testing.TestPki;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The network as a user meets it: the API on the host, the members joined through their kubeconfig
 * Secrets and the example MemberClusters, and the operator running as its packaged jar.
 */
final class Federation implements AutoCloseable {
  static final String SECRETS_NAMESPACE = "aifabric-system";

  /**
   * Short intervals, so that the stories play out in seconds; and the unsafe opt-in of dispatching
   * to the members' default scheduler: the test bed's members run no aifabric scheduler (their
   * chart's scheduler pods are KWOK's), AifabricSchedulerIT runs it for real.
   */
  static final Map<String, String> FAST_SETTINGS =
      Map.ofEntries(
          Map.entry("AIFABRIC_DISPATCH_SCHEDULER_NAME", "default-scheduler"),
          // Opt-in: most of the test bed's KWOK nodes run no agent, so none is Verified.
          Map.entry("AIFABRIC_PLACEMENT_UNVERIFIED_NODES", "true"),
          Map.entry("AIFABRIC_MEMBER_PROBE_INTERVAL", "2s"),
          Map.entry("AIFABRIC_MEMBER_GRACE_PERIOD", "10s"),
          Map.entry("AIFABRIC_MEMBER_REQUEST_TIMEOUT", "2s"),
          Map.entry("AIFABRIC_DISPATCH_STATUS_INTERVAL", "1s"),
          Map.entry("AIFABRIC_DISPATCH_PENDING_RETRY", "2s"),
          Map.entry("AIFABRIC_PROOF_HEARTBEAT_INTERVAL", "1s"),
          Map.entry("AIFABRIC_PROOF_STATUS_INTERVAL", "2s"),
          Map.entry("AIFABRIC_PROOF_SETTLEMENT_POLL", "1s"));

  private static final AtomicInteger STARTED = new AtomicInteger();

  final TestBed bed;
  final KubernetesClient host;
  final OperatorProcess operator;
  final MosquittoBroker broker;

  private Federation(TestBed bed, OperatorProcess operator, MosquittoBroker broker) {
    this.bed = bed;
    this.host = bed.client(TestBed.HOST);
    this.operator = operator;
    this.broker = broker;
  }

  /**
   * Installs the API, hands the members' kubeconfigs to the host, joins them, starts the operator.
   */
  static Federation start(TestBed bed) throws IOException {
    return start(bed, Map.of());
  }

  /** As {@link #start(TestBed)}, with some operator settings replaced. */
  static Federation start(TestBed bed, Map<String, String> overrides) throws IOException {
    // Each federation logs to its own directory: a failed test's logs are not overwritten by the
    // federations of the test classes after it.
    Path logs = bed.dir().resolve("federation-" + STARTED.incrementAndGet());
    MosquittoBroker broker;
    try {
      broker = MosquittoBroker.start(logs.resolve("mosquitto"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    Map<String, String> settings = new java.util.HashMap<>(FAST_SETTINGS);
    settings.put("AIFABRIC_BROKER_HOST", "127.0.0.1");
    settings.put("AIFABRIC_BROKER_PORT", String.valueOf(broker.port()));
    // The operator's own broker identity, and the authority it issues nodes' certificates with.
    TestPki.ClientTls operatorTls = broker.pki().client(BrokerIdentities.OPERATOR);
    settings.put("AIFABRIC_BROKER_TLS_CERTIFICATE", operatorTls.certificate().toString());
    settings.put("AIFABRIC_BROKER_TLS_KEY", operatorTls.key().toString());
    settings.put("AIFABRIC_BROKER_TLS_CA", operatorTls.ca().toString());
    settings.put("AIFABRIC_BROKER_AUTHORITY_CERTIFICATE", broker.pki().caCertificate().toString());
    settings.put("AIFABRIC_BROKER_AUTHORITY_KEY", broker.pki().caKey().toString());
    settings.putAll(overrides);
    KubernetesClient host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    host.namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(SECRETS_NAMESPACE)
                .endMetadata()
                .build())
        .serverSideApply();
    for (String member : bed.members()) {
      // What a provider hands over: a token of the member chart's least-privilege host identity,
      // not the member's admin kubeconfig. Every federation test runs the operator with it.
      putKubeconfig(
          host,
          member + "-kubeconfig",
          Files.readString(new MemberChart(bed, member).hostAccessKubeconfig()));
    }
    var joined =
        bed.kubectl(TestBed.HOST, "apply", "-f", example("10-memberclusters.yaml").toString());
    if (!joined.succeeded()) {
      throw new IllegalStateException(joined.stderr());
    }
    OperatorProcess operator =
        new OperatorProcess(
                OperatorProcess.defaultJar(),
                bed.kubeconfig(TestBed.HOST),
                logs.resolve("operator"),
                settings)
            .start();
    Federation federation = new Federation(bed, operator, broker);
    for (String member : bed.members()) {
      federation.awaitCondition(member, "Ready", "True");
    }
    return federation;
  }

  static void putKubeconfig(KubernetesClient host, String secret, String kubeconfig) {
    host.secrets()
        .inNamespace(SECRETS_NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(secret)
                .withNamespace(SECRETS_NAMESPACE)
                .endMetadata()
                .addToStringData("kubeconfig", kubeconfig)
                .build())
        .serverSideApply();
  }

  static Path example(String name) {
    return AifabricApi.repoRoot().resolve("examples").resolve(name);
  }

  /**
   * A PersistentVolume a provider offers in a member for the training-data StorageVolume
   * (examples/30) to bind to: 1000Gi, read-only by many, a host path.
   */
  static io.fabric8.kubernetes.api.model.PersistentVolume trainingDataVolume(String name) {
    return new io.fabric8.kubernetes.api.model.PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new io.fabric8.kubernetes.api.model.Quantity("1000Gi")))
        .withAccessModes("ReadOnlyMany")
        .withPersistentVolumeReclaimPolicy("Retain")
        .withStorageClassName("")
        .withNewHostPath()
        .withPath("/srv/training-data")
        .endHostPath()
        .endSpec()
        .build();
  }

  /**
   * Offers pv in member to the claim the operator made there for the StorageVolume with the given
   * UID, reserved for that claim (spec.claimRef) as a provider pre-binds a volume: several tests'
   * claims wait in member-a at once, and a volume offered to no claim in particular binds whichever
   * pending claim fits it first.
   */
  static io.fabric8.kubernetes.api.model.PersistentVolume offerTo(
      KubernetesClient member,
      String volumeUid,
      io.fabric8.kubernetes.api.model.PersistentVolume pv) {
    var claim =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    member
                        .persistentVolumeClaims()
                        .inAnyNamespace()
                        .withLabel("aifabric.io/volume-uid", volumeUid)
                        .list()
                        .getItems(),
                claims -> !claims.isEmpty())
            .get(0);
    pv.getSpec()
        .setClaimRef(
            new io.fabric8.kubernetes.api.model.ObjectReferenceBuilder()
                .withKind("PersistentVolumeClaim")
                .withNamespace(claim.getMetadata().getNamespace())
                .withName(claim.getMetadata().getName())
                .withUid(claim.getMetadata().getUid())
                .build());
    return member.persistentVolumes().resource(pv).create();
  }

  /** An example AIJob as written in examples/, moved into the given namespace and renamed. */
  static AIJob exampleJob(String file, String namespace, String name) throws IOException {
    AIJob job = Serialization.unmarshal(Files.readString(example(file)), AIJob.class);
    job.getMetadata().setNamespace(namespace);
    job.getMetadata().setName(name);
    return job;
  }

  AIJob create(AIJob job) {
    return host.resource(job).create();
  }

  AIJob get(AIJob job) {
    return host.resources(AIJob.class)
        .inNamespace(job.getMetadata().getNamespace())
        .withName(job.getMetadata().getName())
        .get();
  }

  /**
   * Waits for the job's phase; when it does not come, the failure shows the job's status (its
   * conditions say why it waits) rather than only that time ran out.
   */
  AIJob awaitPhase(AIJob job, JobPhase phase, Duration timeout) {
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  Optional.ofNullable(get(job))
                      .map(j -> j.getStatus() != null && j.getStatus().getPhase() == phase)
                      .orElse(false));
    } catch (ConditionTimeoutException e) {
      AIJob now = get(job);
      throw new AssertionError(
          "AIJob "
              + job.getMetadata().getName()
              + " did not reach "
              + phase
              + " within "
              + timeout
              + "; its status:\n"
              + (now == null ? "(the job is gone)" : Serialization.asYaml(now.getStatus())),
          e);
    }
    return get(job);
  }

  MemberCluster member(String name) {
    return host.resources(MemberCluster.class).withName(name).get();
  }

  Condition awaitCondition(String member, String type, String status) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .until(
            () ->
                condition(member(member), type)
                    .map(c -> status.equals(c.getStatus()))
                    .orElse(false));
    return condition(member(member), type).orElseThrow();
  }

  /**
   * A member's object store joins the network: the provider hands the host its store's credential
   * (a Secret, as it hands its kubeconfig) and names the store in its MemberCluster.
   */
  void offerObjectStore(String member, ObjectStoreProcess store) {
    host.secrets()
        .inNamespace(SECRETS_NAMESPACE)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(member + "-store")
                .withNamespace(SECRETS_NAMESPACE)
                .endMetadata()
                .addToStringData("accessKeyId", store.accessKeyId())
                .addToStringData("secretAccessKey", store.secretAccessKey())
                .build())
        .serverSideApply();
    ObjectStore spec = new ObjectStore();
    spec.setEndpoint(store.endpoint());
    spec.setBucket(store.bucket());
    spec.setRegion("us-east-1");
    spec.setCredentialsSecretRef(new SecretRef(member + "-store", SECRETS_NAMESPACE));
    host.resources(MemberCluster.class)
        .withName(member)
        .edit(
            m -> {
              m.getSpec().setObjectStore(spec);
              return m;
            });
  }

  static Optional<Condition> condition(MemberCluster member, String type) {
    return member == null || member.getStatus() == null
        ? Optional.empty()
        : condition(member.getStatus().getConditions(), type);
  }

  static Optional<Condition> condition(AIJob job, String type) {
    return job == null || job.getStatus() == null
        ? Optional.empty()
        : condition(job.getStatus().getConditions(), type);
  }

  static Optional<Condition> condition(ComputeNode node, String type) {
    return node == null || node.getStatus() == null
        ? Optional.empty()
        : condition(node.getStatus().getConditions(), type);
  }

  private static Optional<Condition> condition(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /**
   * Of these jobs, those with a Job in a member that their status does not record as dispatched:
   * what an operator halted between creating the member Job and recording it leaves behind.
   */
  List<AIJob> createdButNotRecorded(List<AIJob> jobs) {
    return jobs.stream()
        .map(this::get)
        .filter(j -> !memberJobs(j).isEmpty())
        .filter(
            j -> condition(j, "Dispatched").map(c -> !"True".equals(c.getStatus())).orElse(true))
        .toList();
  }

  /** The member Jobs of an AIJob, in every member cluster, as "cluster/namespace/name". */
  List<String> memberJobs(AIJob job) {
    List<String> found = new ArrayList<>();
    for (String member : bed.members()) {
      for (Job j :
          bed.client(member)
              .batch()
              .v1()
              .jobs()
              .inAnyNamespace()
              .withLabel("aifabric.io/job-uid", job.getMetadata().getUid())
              .list()
              .getItems()) {
        found.add(member + "/" + j.getMetadata().getNamespace() + "/" + j.getMetadata().getName());
      }
    }
    return found;
  }

  /**
   * Reasons of the Events recorded on an object (a cluster-scoped object's are in default, where
   * the operator records them, as Kubernetes does for Nodes).
   */
  List<String> eventReasons(io.fabric8.kubernetes.api.model.HasMetadata job) {
    String namespace = job.getMetadata().getNamespace();
    return host
        .v1()
        .events()
        .inNamespace(namespace == null ? "default" : namespace)
        .list()
        .getItems()
        .stream()
        .filter(e -> job.getMetadata().getUid().equals(e.getInvolvedObject().getUid()))
        .map(io.fabric8.kubernetes.api.model.Event::getReason)
        .toList();
  }

  @Override
  public void close() {
    operator.close();
    try {
      broker.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
