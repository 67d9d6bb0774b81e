package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.membercluster.MemberMode;
import io.aifabric.api.v1alpha1.membercluster.PullMember;
import io.aifabric.api.v1alpha1.membercluster.SecretKeyRef;
import io.aifabric.api.v1alpha1.nodereport.NodeReport;
import io.aifabric.api.v1alpha1.nodereport.NodeReportSpec;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API server itself refuses what must never be accepted, with a message that says what to fix.
 * Each case starts from a valid object and breaks one thing.
 */
@ExtendWith(TestBedExtension.class)
@org.junit.jupiter.api.Order(2)
class CelValidationIT {
  static final String KEY = "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=";

  static final String AIJOB =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: AIJob
      metadata: {name: x}
      spec:
        image: ghcr.io/example/app:1.0
        replicas: 2
        maxDuration: 2h
        resources: {gpusPerReplica: 1, minGpuMemoryMiB: 20000}
        placement: {maxPricePerGpuHour: "2.00", regions: [eu-west-1]}
        payment: {payer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", budget: "10"}
        encryption: {userPublicKey: "%s"}
      """
          .formatted(KEY);

  static final String MEMBER =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: MemberCluster
      metadata: {name: x}
      spec:
        kubeconfigSecretRef: {name: k, namespace: aifabric-system}
        region: eu-west-1
        providerWallet: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        pricing: [{gpuModel: NVIDIA-H100-80GB-HBM3, pricePerGpuHour: "2.40"}]
      """;

  static final String VOLUME =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: StorageVolume
      metadata: {name: x}
      spec: {size: 10Gi, accessMode: ReadWriteOnce, encryptionKey: "%s"}
      """
          .formatted(KEY);

  static final String VOLUME_WITH_INPUTS =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: StorageVolume
      metadata: {name: x}
      spec:
        size: 10Gi
        accessMode: ReadWriteOnce
        encryptionKey: "%s"
        inputs:
        - name: train
          url: https://store.example/inputs/train.aifs
          contentAddress: "0x%s"
          sealedBytes: 1000
      """
          .formatted(KEY, "ab".repeat(32));

  static final String BATCH =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: SettlementBatch
      metadata: {name: x}
      spec:
        chainId: 31337
        escrow: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        nonce: 0
        deadline: 1900000000
        entries:
        - {jobNamespace: ml, jobName: train, jobUid: 7f3c2d0e-0000-4000-8000-000000000001,
           escrowJobId: 0, providerId: 1, usedGwei: 100}
      """;

  static final String SLASH =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: Slash
      metadata: {name: x}
      spec:
        chainId: 31337
        registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3"
        computeNode: member-a.gpu-1
        node: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
        provider: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
        reason: VramMismatch
        report: "0x%s"
        evidence: "0x%s"
        amount: "100000000000000000"
        deadline: 1900000000
      """
          .formatted("ab".repeat(32), "cd".repeat(32));

  static final String GPU_RANGE = "gpusPerReplica must be between 1 and 64";
  static final String AMOUNT = "must be a positive decimal amount";
  static final String WALLET = "must be an Ethereum address: 0x followed by 40 hex digits";
  static final String X25519 = "must be a base64-encoded 32-byte X25519 public key";

  static List<InvalidObject> invalidObjects() {
    return List.of(
        aijob("GPUs per replica 0", "spec.resources.gpusPerReplica", 0, GPU_RANGE),
        aijob("GPUs per replica 65", "spec.resources.gpusPerReplica", 65, GPU_RANGE),
        aijob("replicas 0", "spec.replicas", 0, "replicas must be between 1 and 1024"),
        aijob("budget zero", "spec.payment.budget", "0.00", "budget " + AMOUNT),
        aijob("budget negative", "spec.payment.budget", "-5", "budget " + AMOUNT),
        aijob("max price zero", "spec.placement.maxPricePerGpuHour", "0", AMOUNT),
        aijob("payer too short", "spec.payment.payer", "0x1234", "payer " + WALLET),
        aijob(
            "payer not hex",
            "spec.payment.payer",
            "0xZZ9Fd6e51aad88F6F4ce6aB8827279cffFb92266",
            "payer " + WALLET),
        aijob("public key not base64", "spec.encryption.userPublicKey", "not-a-key!", X25519),
        aijob(
            "public key of 31 bytes",
            "spec.encryption.userPublicKey",
            "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTg==",
            X25519),
        aijob(
            "max duration too long",
            "spec.maxDuration",
            "200h",
            "maxDuration must be between 1m and 168h"),
        aijob(
            "max duration too short",
            "spec.maxDuration",
            "30s",
            "maxDuration must be between 1m and 168h"),
        aijob(
            "max duration malformed",
            "spec.maxDuration",
            "forever",
            "maxDuration must be a duration such as 90m"),
        aijob("image empty", "spec.image", "", "image must not be empty"),
        aijob("image blank", "spec.image", "   ", "image must not be empty"),
        aijob("image missing", "spec.image", null, "spec.image: Required value"),
        aijob(
            "image with a space (a kubelet's InvalidImageName)",
            "spec.image",
            "ghcr.io/org/app 1.0",
            "image must be a container image reference"),
        aijob(
            "image with an uppercase repository",
            "spec.image",
            "ghcr.io/Org/App:1.0",
            "image must be a container image reference"),
        aijob(
            "image with an empty tag",
            "spec.image",
            "ghcr.io/org/app:",
            "image must be a container image reference"),
        aijob(
            "type error: escrow as a string",
            "spec.payment.escrow",
            "deposit-42",
            "escrow in body must be of type boolean"),
        aijob(
            "type error: GPUs as a string",
            "spec.resources.gpusPerReplica",
            "many",
            "gpusPerReplica in body must be of type integer"),
        aijob(
            "type error: replicas as a fraction",
            "spec.replicas",
            1.5,
            "replicas in body must be of type integer"),
        aijob(
            "type error: command as a string",
            "spec.command",
            "python train.py",
            "command in body must be of type array"),
        member("provider wallet malformed", "spec.providerWallet", "provider@example.com", WALLET),
        member(
            "push member without its kubeconfig",
            "spec.kubeconfigSecretRef",
            null,
            "a Push member needs kubeconfigSecretRef"),
        member(
            "pull member with a kubeconfig",
            "spec.mode",
            "Pull",
            "a Pull member has none: the host holds no credential for it"),
        member("unknown mode", "spec.mode", "Tunnel", "Unsupported value: \"Tunnel\""),
        member(
            "price zero",
            "spec.pricing",
            List.of(java.util.Map.of("gpuModel", "NVIDIA-H100-80GB-HBM3", "pricePerGpuHour", "0")),
            "pricePerGpuHour " + AMOUNT),
        member(
            "one model priced twice",
            "spec.pricing",
            List.of(
                java.util.Map.of("gpuModel", "NVIDIA-H100-80GB-HBM3", "pricePerGpuHour", "2"),
                java.util.Map.of("gpuModel", "NVIDIA-H100-80GB-HBM3", "pricePerGpuHour", "3")),
            "pricing lists a gpuModel more than once"),
        volume("size zero", "spec.size", "0", "size must be a positive quantity"),
        volume(
            "access mode unknown",
            "spec.accessMode",
            "WriteSometimes",
            "Unsupported value: \"WriteSometimes\""),
        volume("encryption key malformed", "spec.encryptionKey", "abc", X25519),
        volumeWithInputs(
            "inputs without the key they are sealed to",
            "spec.encryptionKey",
            null,
            "sealed inputs need the encryptionKey they are sealed to"),
        volumeWithInputs(
            "inputs on a read-only volume",
            "spec.accessMode",
            "ReadOnlyMany",
            "a volume with sealed inputs is opened into on the node, so it cannot be ReadOnlyMany"),
        volume(
            "input name not a DNS label",
            "spec.inputs",
            List.of(input("Train_Set", "https://s/x", "0x" + "ab".repeat(32))),
            "an input name is a DNS label"),
        volume(
            "input url not http",
            "spec.inputs",
            List.of(input("train", "file:///etc/passwd", "0x" + "ab".repeat(32))),
            "an input's url is an http(s) URL of the sealed object"),
        volume(
            "input content address not a SHA-256",
            "spec.inputs",
            List.of(input("train", "https://s/x", "sha256:abc")),
            "contentAddress is 0x and 64 lowercase hex digits"),
        volume(
            "one input name twice",
            "spec.inputs",
            List.of(
                input("train", "https://s/x", "0x" + "ab".repeat(32)),
                input("train", "https://s/y", "0x" + "cd".repeat(32))),
            "input names are unique in a volume"),
        batch("escrow malformed", "spec.escrow", "escrow.eth", "escrow " + WALLET),
        batch("no entries", "spec.entries", List.of(), "spec.entries: Invalid value"),
        batch("chain id zero", "spec.chainId", 0, "spec.chainId: Invalid value"),
        batch(
            "provider id zero",
            "spec.entries",
            List.of(
                java.util.Map.of(
                    "jobNamespace",
                    "ml",
                    "jobName",
                    "train",
                    "jobUid",
                    "u",
                    "escrowJobId",
                    0,
                    "providerId",
                    0,
                    "usedGwei",
                    1)),
            "providerId: Invalid value"),
        slash("amount zero", "spec.amount", "0", "amount must be a positive whole number of wei"),
        slash(
            "amount in ether",
            "spec.amount",
            "0.1",
            "amount must be a positive whole number of wei"),
        slash("provider not an address", "spec.provider", "0x12", "provider " + WALLET),
        slash(
            "evidence too short",
            "spec.evidence",
            "0xabcd",
            "evidence must be 0x and 64 lowercase hex digits"),
        slash(
            "report upper case",
            "spec.report",
            "0x" + "AB".repeat(32),
            "report must be 0x and 64 lowercase hex digits"));
  }

  static InvalidObject aijob(String name, String path, Object value, String expected) {
    return new InvalidObject("AIJob: " + name, AIJOB, path, value, expected);
  }

  static InvalidObject member(String name, String path, Object value, String expected) {
    return new InvalidObject("MemberCluster: " + name, MEMBER, path, value, expected);
  }

  static InvalidObject batch(String name, String path, Object value, String expected) {
    return new InvalidObject("SettlementBatch: " + name, BATCH, path, value, expected);
  }

  static InvalidObject slash(String name, String path, Object value, String expected) {
    return new InvalidObject("Slash: " + name, SLASH, path, value, expected);
  }

  static InvalidObject volume(String name, String path, Object value, String expected) {
    return new InvalidObject("StorageVolume: " + name, VOLUME, path, value, expected);
  }

  static InvalidObject volumeWithInputs(String name, String path, Object value, String expected) {
    return new InvalidObject("StorageVolume: " + name, VOLUME_WITH_INPUTS, path, value, expected);
  }

  private static java.util.Map<String, Object> input(String name, String url, String address) {
    return java.util.Map.of(
        "name", name, "url", url, "contentAddress", address, "sealedBytes", 1000);
  }

  private static KubernetesClient host;
  private static String namespace;

  @BeforeAll
  static void setUp(TestBed bed) throws IOException {
    host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    namespace = bed.createNamespace(TestBed.HOST, "cel");
  }

  @Test
  void theValidBaseObjectsAreAccepted() {
    // Without this, a broken base object would make every case below pass for the wrong reason.
    for (String yaml : List.of(AIJOB, MEMBER, VOLUME, VOLUME_WITH_INPUTS, BATCH, SLASH)) {
      var valid = InvalidObject.valid(yaml);
      var created = host.resource(valid.object(namespace, "valid-" + suffix())).create();
      assertThat(created.getMetadata().getUid()).isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void isRejectedWithAMessageThatSaysWhatToFix(InvalidObject invalid) {
    var object = invalid.object(namespace, "bad-" + suffix());
    assertThatThrownBy(() -> host.resource(object).create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422))
        .hasMessageContaining(invalid.expected());
  }

  @Test
  void aSlashIsSignedAsItIsAndItsSpecNeverChanges() {
    var slash = Serialization.unmarshal(SLASH, Slash.class);
    slash.getMetadata().setName("slash-" + suffix());
    slash.getMetadata().setNamespace(namespace);
    slash = host.resource(slash).create();
    slash.getSpec().setAmount("900000000000000000");
    var changed = slash;
    assertThatThrownBy(() -> host.resource(changed).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec is immutable: the oracles sign a slash as it is");
  }

  @Test
  void aSettlementBatchIsSignedAsItIsAndItsSpecNeverChanges() {
    var batch = Serialization.unmarshal(BATCH, SettlementBatch.class);
    batch.getMetadata().setName("batch-" + suffix());
    batch.getMetadata().setNamespace(namespace);
    batch = host.resource(batch).create();
    batch.getSpec().getEntries().get(0).setUsedGwei(999L);
    var changed = batch;
    assertThatThrownBy(() -> host.resource(changed).update())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec is immutable: the oracles sign a batch as it is");
  }

  @Test
  void replicasCannotChangeOncePlaced() {
    AIJob job = createPlacedJob();
    assertThatThrownBy(() -> edit(job, j -> j.getSpec().setReplicas(3)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining(
            "spec.resources and spec.replicas cannot change once the job is placed");
  }

  @Test
  void resourcesCannotChangeOncePlaced() {
    AIJob job = createPlacedJob();
    assertThatThrownBy(() -> edit(job, j -> j.getSpec().getResources().setGpusPerReplica(4)))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("cannot change once the job is placed");
  }

  @Test
  void aMembersModeNeverChangesAndAPullMembersNameFitsItsNamespace() {
    String name = "pull-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    MemberCluster pull = FederationE2E.memberCluster(name, "unused");
    pull.getSpec().setKubeconfigSecretRef(null);
    pull.getSpec().setMode(MemberMode.Pull);
    MemberCluster created = host.resource(pull).create();
    try {
      created.getSpec().setMode(MemberMode.Push);
      created
          .getSpec()
          .setKubeconfigSecretRef(new SecretKeyRef("k", "aifabric-system", "kubeconfig"));
      assertThatThrownBy(() -> host.resource(created).update())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("mode cannot change: delete the MemberCluster and join the member");
    } finally {
      host.resource(created).delete();
    }

    MemberCluster dotted = FederationE2E.memberCluster("pull.with.dots", "unused");
    dotted.getSpec().setKubeconfigSecretRef(null);
    dotted.getSpec().setMode(MemberMode.Pull);
    assertThatThrownBy(() -> host.resource(dotted).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("a Pull member's name is a DNS label of at most 47 characters");
  }

  @Test
  void aNodeReportCarriesOnlyTheNodeAgentsAnnotations() {
    String ns = reportNamespace();
    try {
      NodeReport report = report(ns);
      report.getSpec().getAnnotations().put("aifabric.io/registration", "signed");
      report.getSpec().getAnnotations().put("example.com/internal-address", "10.0.0.7");
      assertThatThrownBy(() -> host.resource(report).create())
          .isInstanceOf(KubernetesClientException.class)
          .hasMessageContaining("only aifabric.io/ annotations are reported");
      report.getSpec().getAnnotations().remove("example.com/internal-address");
      assertThat(host.resource(report).create().getSpec().getAnnotations())
          .containsOnlyKeys("aifabric.io/registration");
    } finally {
      host.namespaces().withName(ns).delete();
    }
  }

  /**
   * The agent applies each report whole: a job that ended leaves its node with no GPUs in use by
   * jobs, and that empty map must be stored as empty. Merged key by key, the API server stores it
   * as null and refuses it ("must be of type object"), and the node stayed busy on the host.
   */
  @Test
  void aNodeReportAppliedAgainReplacesItsSpecWhole() {
    String ns = reportNamespace();
    try {
      NodeReport report = report(ns);
      report.getSpec().getGpusInUseByJob().put("job-uid-1", 2);
      report.getSpec().getLabels().put("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-40GB");
      host.resource(report).fieldManager("agent").forceConflicts().serverSideApply();

      NodeReport emptied = report(ns);
      emptied.getSpec().setReady(true);
      NodeReport stored =
          host.resource(emptied).fieldManager("agent").forceConflicts().serverSideApply();

      assertThat(stored.getSpec().getGpusInUseByJob()).isEmpty();
      assertThat(stored.getSpec().getLabels()).isEmpty();
      assertThat(stored.getSpec().isReady()).isTrue();
    } finally {
      host.namespaces().withName(ns).delete();
    }
  }

  private String reportNamespace() {
    String ns = PullMember.namespace("cel-" + UUID.randomUUID().toString().substring(0, 8));
    host.namespaces()
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(ns)
                .endMetadata()
                .build())
        .create();
    return ns;
  }

  private static NodeReport report(String ns) {
    NodeReport report = new NodeReport();
    report.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("gpu-0")
            .withNamespace(ns)
            .build());
    report.setSpec(new NodeReportSpec());
    return report;
  }

  @Test
  void aPendingJobCanStillBeResized() {
    AIJob job = createJob();
    setPhase(job, JobPhase.Pending);
    AIJob resized = edit(job, j -> j.getSpec().setReplicas(3));
    assertThat(resized.getSpec().getReplicas()).isEqualTo(3);
  }

  @Test
  void otherFieldsOfAPlacedJobCanChange() {
    AIJob job = createPlacedJob();
    AIJob edited = edit(job, j -> j.getSpec().setMaxDuration("3h"));
    assertThat(edited.getSpec().getMaxDuration()).isEqualTo("3h");
  }

  private AIJob createJob() {
    AIJob job = Serialization.unmarshal(AIJOB, AIJob.class);
    job.getMetadata().setName("job-" + suffix());
    job.getMetadata().setNamespace(namespace);
    return host.resource(job).create();
  }

  private AIJob createPlacedJob() {
    AIJob job = createJob();
    setPhase(job, JobPhase.Placed);
    return job;
  }

  private void setPhase(AIJob job, JobPhase phase) {
    host.resources(AIJob.class)
        .inNamespace(namespace)
        .withName(job.getMetadata().getName())
        .editStatus(
            j -> {
              j.setStatus(new AIJobStatus());
              j.getStatus().setPhase(phase);
              return j;
            });
  }

  private AIJob edit(AIJob job, Consumer<AIJob> change) {
    return host.resources(AIJob.class)
        .inNamespace(namespace)
        .withName(job.getMetadata().getName())
        .edit(
            j -> {
              change.accept(j);
              return j;
            });
  }

  private static String suffix() {
    return UUID.randomUUID().toString().substring(0, 8);
  }
}
