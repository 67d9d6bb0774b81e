package io.aifabric.operator.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.aifabric.api.v1alpha1.aijob.InputGrant;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolumeSpec;
import io.aifabric.protocol.seal.SealedInputManifest;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SealedInputsTest {
  private static final String GRANT = Base64.getEncoder().encodeToString(new byte[81]);

  @Test
  void aJobWaitsUntilEveryPlacedNodeHasAGrantForEveryInput() {
    AIJob job = job(grant("member-a.gpu-1", "train"));
    Map<String, StorageVolume> volumes = Map.of("data", volume("train", "eval"));
    Placement placement = placement("gpu-1", "gpu-2");

    assertThat(SealedInputs.missingGrants(job, placement, volumes))
        .isEqualTo(
            "the keys of sealed input data/train, data/eval are not granted to member-a.gpu-2,"
                + " member-a.gpu-1 yet: run 'aifabric grant train -n ml' with the volumes' key");

    job.getSpec()
        .setInputGrants(
            List.of(
                grant("member-a.gpu-1", "train"),
                grant("member-a.gpu-2", "train"),
                grant("member-a.gpu-1", "eval"),
                grant("member-a.gpu-2", "eval")));
    assertThat(SealedInputs.missingGrants(job, placement, volumes)).isEmpty();
  }

  @Test
  void thePodsCarryTheGrantsOfThePlacedNodesOnlyAndOpenInputsFirstOnThoseNodes() throws Exception {
    AIJob job = job(grant("member-a.gpu-1", "train"), grant("member-b.gpu-9", "train"));
    Map<String, StorageVolume> volumes = Map.of("data", volume("train"));
    Placement placement = placement("gpu-1");
    PodSpec pod =
        new PodSpecBuilder()
            .addToContainers(new ContainerBuilder().withName("main").build())
            .addNewInitContainer()
            .withName("seal")
            .withRestartPolicy("Always")
            .endInitContainer()
            .build();
    JobVolumes.mount(pod, job, volumes);
    Map<String, String> annotations = new HashMap<>();

    SealedInputs.addTo(
        pod,
        annotations,
        "train-abc",
        "sealer:1",
        SealedInputs.manifest(job, placement, volumes, "net"),
        placement);

    SealedInputManifest manifest =
        SealedInputManifest.parse(annotations.get(SealedInputManifest.ANNOTATION));
    assertThat(manifest.inputs())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.grants()).containsOnlyKeys("member-a.gpu-1");
              assertThat(e.mountPath()).isEqualTo("/data");
              assertThat(e.volumeUid()).isEqualTo("0b5e1c2d-vol-uid");
            });
    assertThat(pod.getInitContainers())
        .extracting(c -> c.getName())
        .containsExactly("open-inputs", "seal");
    var step = pod.getInitContainers().get(0);
    assertThat(step.getArgs()).containsExactly("open-inputs");
    assertThat(step.getEnv().get(0).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.annotations['aifabric.io/sealed-inputs']");
    assertThat(step.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/data");
              assertThat(m.getReadOnly()).isNull();
            });
    // The job's own container keeps its read-only mount; the claim allows the step to write.
    assertThat(pod.getContainers().get(0).getVolumeMounts().get(0).getReadOnly()).isTrue();
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactly("train-abc-input-keys");
    assertThat(pod.getVolumes().get(0).getPersistentVolumeClaim().getReadOnly()).isFalse();
    var term =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms()
            .get(0);
    assertThat(term.getMatchFields())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getKey()).isEqualTo("metadata.name");
              assertThat(r.getValues()).containsExactly("gpu-1");
            });
  }

  private static AIJob job(InputGrant... grants) {
    AIJob job = new AIJob();
    job.getMetadata().setName("train");
    job.getMetadata().setNamespace("ml");
    job.getMetadata().setUid("job-uid");
    AIJobSpec spec = new AIJobSpec();
    VolumeMount mount = new VolumeMount();
    mount.setStorageVolume("data");
    mount.setMountPath("/data");
    mount.setReadOnly(true);
    spec.setVolumes(List.of(mount));
    spec.setInputGrants(new ArrayList<>(List.of(grants)));
    job.setSpec(spec);
    return job;
  }

  private static StorageVolume volume(String... inputs) {
    StorageVolume volume = new StorageVolume();
    volume.getMetadata().setName("data");
    volume.getMetadata().setUid("0b5e1c2d-vol-uid");
    StorageVolumeSpec spec = new StorageVolumeSpec();
    List<SealedInput> list = new ArrayList<>();
    for (String name : inputs) {
      SealedInput input = new SealedInput();
      input.setName(name);
      input.setUrl("http://store/b/" + name);
      input.setContentAddress("0x" + "ab".repeat(32));
      input.setSealedBytes(100L);
      list.add(input);
    }
    spec.setInputs(list);
    volume.setSpec(spec);
    return volume;
  }

  private static Placement placement(String... nodes) {
    Placement placement = new Placement();
    placement.setCluster("member-a");
    placement.setNodes(List.of(nodes));
    return placement;
  }

  private static InputGrant grant(String node, String input) {
    InputGrant grant = new InputGrant();
    grant.setNode(node);
    grant.setVolume("data");
    grant.setInput(input);
    grant.setGrant(GRANT);
    return grant;
  }
}
