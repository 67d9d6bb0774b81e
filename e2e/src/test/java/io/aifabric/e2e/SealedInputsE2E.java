package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.storagevolume.AccessMode;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.protocol.Hex;
import io.aifabric.protocol.seal.InputBinding;
import io.aifabric.protocol.seal.OpeningInputStream;
import io.aifabric.protocol.seal.X25519KeyPair;
import io.aifabric.testbed.AgentProcess;
import io.aifabric.testbed.AifabricCli;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.InputSteps;
import io.aifabric.testbed.ObjectStoreProcess;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A user's inputs for a StorageVolume: sealed to the user's key with the CLI, stored as ciphertext
 * in a real S3 store (the user's own, with the user's own credential), recorded on the volume with
 * their content address; a job that mounts the volume is placed, waits for the user to grant its
 * node the key, and the node's real agent and the packaged input step open the input into the
 * volume the member bound — the host never holding the key or the data. A file sealed for another
 * input, or by another key, is refused before a byte is stored.
 */
@Order(17)
class SealedInputsE2E extends FederatedE2E {
  private static final String NETWORK = "aifabric";
  private static final String SECRET_LINE = "the user's private training data";
  private static ObjectStoreProcess store;
  private static Path dir;
  private static Path key;
  private static String publicKey;

  @BeforeAll
  static void start(TestBed bed) throws Exception {
    dir = Files.createDirectories(bed.dir().resolve("sealed-inputs"));
    store =
        ObjectStoreProcess.start(
            ObjectStoreProcess.defaultBinary(), dir.resolve("store"), "inputs");
    key = dir.resolve("user.key");
    CommandResult keygen = AifabricCli.run("keygen", "--out", key.toString());
    assertThat(keygen.exitCode()).as(keygen.stderr()).isZero();
    publicKey = keygen.stdout().strip();
  }

  @AfterAll
  static void stop() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void anInputIsSealedStoredAndRecordedAndOnlyTheGrantedNodeOpensItIntoTheVolume(TestBed bed)
      throws Exception {
    StorageVolume datasets = volume("datasets");
    datasets.getSpec().setClusters(new ArrayList<>(List.of("member-a")));
    StorageVolume volume = federation.host.resource(datasets).create();
    Path data = Files.createDirectories(dir.resolve("train"));
    Files.writeString(data.resolve("part-0.txt"), SECRET_LINE + "\n".repeat(3));
    Files.write(data.resolve("part-1.bin"), new byte[200_000]);
    Path sealed = dir.resolve("train.aifs");

    CommandResult seal = cli("seal", "datasets", "train", data.toString(), "-o", sealed.toString());
    assertThat(seal.exitCode()).as(seal.stderr()).isZero();
    byte[] sealedBytes = Files.readAllBytes(sealed);
    String address = Hex.encode(MessageDigest.getInstance("SHA-256").digest(sealedBytes));
    assertThat(seal.stdout()).contains("content address " + address);

    String url = store.endpoint() + "/" + store.bucket() + "/datasets/train.aifs";
    CommandResult upload =
        cli(
            "upload",
            "datasets",
            "train",
            sealed.toString(),
            "--url",
            url,
            "--key",
            key.toString());
    assertThat(upload.exitCode()).as(upload.stderr()).isZero();

    // The store holds exactly the sealed bytes: ciphertext, nothing of the plaintext.
    byte[] held = store.objects().get("datasets/train.aifs");
    assertThat(held).isEqualTo(sealedBytes);
    assertThat(new String(held, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET_LINE);
    // The volume records it; its status carries the content address.
    StorageVolume recorded = volumeNamed("datasets");
    assertThat(recorded.getSpec().getInputs())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getName()).isEqualTo("train");
              assertThat(i.getUrl()).isEqualTo(url);
              assertThat(i.getContentAddress()).isEqualTo(address);
              assertThat(i.getSealedBytes()).isEqualTo(sealedBytes.length);
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(volumeNamed("datasets").getStatus().getInputs())
                    .singleElement()
                    .satisfies(i -> assertThat(i.getContentAddress()).isEqualTo(address)));
    // What is stored opens with the user's key, for this volume's input, to what was sealed.
    X25519KeyPair user = X25519KeyPair.read(key);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    try (OpeningInputStream in =
        OpeningInputStream.open(
            new ByteArrayInputStream(held),
            user,
            new InputBinding(NETWORK, volume.getMetadata().getUid(), "train"))) {
      in.transferTo(tar);
    }
    assertThat(tar.toString(StandardCharsets.ISO_8859_1))
        .contains("part-0.txt", "part-1.bin", SECRET_LINE);

    // A job that mounts it is placed and waits for the user to grant its nodes the key.
    KubernetesClient memberA = bed.client("member-a");
    Path pvDir = Files.createDirectories(dir.resolve("pv-datasets"));
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, "reads-inputs");
    VolumeMount mount = new VolumeMount();
    mount.setStorageVolume("datasets");
    mount.setMountPath("/data");
    mount.setReadOnly(true);
    job.getSpec().setVolumes(List.of(mount));
    AIJob created = federation.create(job);
    String uid = created.getMetadata().getUid();
    AIJob waiting =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> federation.get(created),
                j ->
                    Federation.condition(j, "Dispatched")
                        .map(c -> c.getReason().equals("AwaitingInputGrants"))
                        .orElse(false));
    String node = waiting.getStatus().getPlacement().getNodes().get(0);
    assertThat(Federation.condition(waiting, "Dispatched").orElseThrow().getMessage())
        .contains("are not granted to member-a." + node)
        .contains("aifabric grant reads-inputs");
    assertThat(federation.memberJobs(waiting)).isEmpty();

    // The node's real agent joins (its X25519 key is on its ComputeNode); the user grants.
    try (AgentProcess agent = NodeAgents.start(bed, federation, "member-a", node);
        InputSteps steps = InputSteps.start(memberA, dir.resolve("input-steps"))) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> federation.host.resources(ComputeNode.class).withName("member-a." + node).get(),
              c ->
                  c.getStatus() != null
                      && c.getStatus().getIdentity() != null
                      && c.getStatus().getIdentity().getX25519PublicKey() != null);
      CommandResult grant = cli("grant", "reads-inputs", "--key", key.toString());
      assertThat(grant.exitCode()).as(grant.stderr()).isZero();
      assertThat(grant.stdout()).contains("granted 1 keys of sealed inputs to member-a." + node);
      Federation.offerTo(
          memberA, volume.getMetadata().getUid(), hostPathVolume("pv-inputs-" + ns, pvDir));

      // Dispatched; the agent of the node opens its grant; the pod's input step opens the input
      // into the volume the member bound.
      federation.awaitPhase(created, JobPhase.Succeeded, Duration.ofSeconds(120));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(steps.endedFor(uid).values())
                      .singleElement()
                      .isEqualTo(new InputSteps.Ended(0, "")));
    }
    assertThat(pvDir.resolve("train/part-0.txt")).content().contains(SECRET_LINE);
    assertThat(Files.size(pvDir.resolve("train/part-1.bin"))).isEqualTo(200_000);
    // The key the agent released is the input's key, in a Secret owned by the member Job.
    byte[] payloadKey =
        OpeningInputStream.payloadKey(
            new ByteArrayInputStream(held),
            user,
            new InputBinding(NETWORK, volume.getMetadata().getUid(), "train"));
    Secret keys =
        memberA.secrets().inNamespace("aifabric-" + ns).list().getItems().stream()
            .filter(x -> x.getMetadata().getName().endsWith("-input-keys"))
            .findFirst()
            .orElseThrow();
    assertThat(Base64.getDecoder().decode(keys.getData().get("input-0"))).isEqualTo(payloadKey);
    assertThat(keys.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("Job"));
    // The host holds grants (sealed to the node) and addresses, never the key or the data.
    String onHost = Serialization.asJson(federation.get(created));
    assertThat(onHost)
        .doesNotContain(Base64.getEncoder().encodeToString(payloadKey))
        .doesNotContain(SECRET_LINE);
    assertThat(federation.get(created).getSpec().getInputGrants())
        .singleElement()
        .satisfies(g -> assertThat(g.getNode()).isEqualTo("member-a." + node));
  }

  @Test
  void aFileSealedForAnotherInputOrByAnotherKeyIsRefusedBeforeAnythingIsStored() throws Exception {
    federation.host.resource(volume("refusals")).create();
    Path data = Files.createDirectories(dir.resolve("eval"));
    Files.writeString(data.resolve("x.txt"), "x");
    Path evalSealed = dir.resolve("eval.aifs");
    assertThat(
            cli("seal", "refusals", "eval", data.toString(), "-o", evalSealed.toString())
                .exitCode())
        .isZero();
    String url = store.endpoint() + "/" + store.bucket() + "/refusals/train.aifs";

    // Sealed as input "eval", uploaded as "train": the binding says whose it is.
    CommandResult swapped =
        cli(
            "upload",
            "refusals",
            "train",
            evalSealed.toString(),
            "--url",
            url,
            "--key",
            key.toString());
    assertThat(swapped.exitCode()).isEqualTo(1);
    assertThat(swapped.stderr())
        .contains("this is the sealed stream of input eval of volume")
        .contains("not of input train of volume");

    // Another user's key is not the volume's.
    Path other = dir.resolve("other.key");
    assertThat(AifabricCli.run("keygen", "--out", other.toString()).exitCode()).isZero();
    CommandResult wrongKey =
        cli(
            "upload",
            "refusals",
            "eval",
            evalSealed.toString(),
            "--url",
            url,
            "--key",
            other.toString());
    assertThat(wrongKey.exitCode()).isEqualTo(1);
    assertThat(wrongKey.stderr()).contains("is not StorageVolume refusals's encryptionKey");

    // Sealing does not overwrite a file that is there.
    CommandResult again =
        cli("seal", "refusals", "eval", data.toString(), "-o", evalSealed.toString());
    assertThat(again.exitCode()).isEqualTo(1);
    assertThat(again.stderr()).contains("exists already; nothing was overwritten");

    assertThat(store.objects()).doesNotContainKey("refusals/train.aifs");
    assertThat(volumeNamed("refusals").getSpec().getInputs()).isEmpty();
  }

  private static StorageVolume volume(String name) throws Exception {
    StorageVolume volume =
        Serialization.unmarshal(
            Files.readString(Federation.example("30-storagevolume.yaml")), StorageVolume.class);
    volume.getMetadata().setNamespace(ns);
    volume.getMetadata().setName(name);
    volume.getSpec().setEncryptionKey(publicKey);
    volume.getSpec().setAccessMode(AccessMode.ReadWriteOnce);
    volume.getSpec().setClusters(new ArrayList<>());
    return volume;
  }

  /** A provider's PersistentVolume: a directory on the "node" (the test bed's machine). */
  private static PersistentVolume hostPathVolume(String name, Path dir) {
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity("500Gi")))
        .withAccessModes("ReadWriteOnce")
        .withPersistentVolumeReclaimPolicy("Retain")
        .withStorageClassName("")
        .withNewHostPath()
        .withPath(dir.toAbsolutePath().toString())
        .endHostPath()
        .endSpec()
        .build();
  }

  private static StorageVolume volumeNamed(String name) {
    return federation.host.resources(StorageVolume.class).inNamespace(ns).withName(name).get();
  }

  /** The CLI as the user runs it, with the user's store credential in its environment. */
  private static CommandResult cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "-n",
            ns,
            "--kubeconfig",
            federation.bed.kubeconfig(TestBed.HOST).toString(),
            "--network",
            NETWORK));
    return AifabricCli.run(
        Map.of(
            "AWS_ACCESS_KEY_ID", store.accessKeyId(),
            "AWS_SECRET_ACCESS_KEY", store.secretAccessKey(),
            "AWS_REGION", "us-east-1"),
        all.toArray(String[]::new));
  }
}
