package io.aifabric.operator.outputs;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SealingSidecarTest {
  @Test
  void theSidecarIsANativeSidecarThatAloneMountsTheUploadUrls() {
    PodSpec pod =
        new PodSpecBuilder()
            .withNewSecurityContext()
            .withRunAsUser(1000L)
            .endSecurityContext()
            .withContainers(new ContainerBuilder().withName("main").withImage("trainer").build())
            .build();

    SealingSidecar.addTo(
        pod, "job-x", "sealer:1", "KEY=", "aifabric", "uid-1", Duration.ofMinutes(10));

    Container seal = pod.getInitContainers().get(0);
    assertThat(seal.getName()).isEqualTo("seal");
    assertThat(seal.getRestartPolicy()).isEqualTo("Always");
    assertThat(seal.getVolumeMounts())
        .allSatisfy(m -> assertThat(m.getReadOnly()).isTrue())
        .extracting(m -> m.getMountPath())
        .containsExactly("/aifabric/output", "/aifabric/upload");
    assertThat(seal.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("AIFABRIC_SEAL_REPLICA");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
            });
    assertThat(seal.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    Container main = pod.getContainers().get(0);
    assertThat(main.getVolumeMounts())
        .extracting(m -> m.getName())
        .containsExactly("aifabric-output");
    assertThat(main.getEnv())
        .anySatisfy(e -> assertThat(e.getName()).isEqualTo("AIFABRIC_OUTPUT_DIR"));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("job-x-upload"));
    assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(1000L);
    assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(600L);
  }

  @Test
  void theUploadSecretHoldsOneUrlPerReplicaAndGoesWithItsJob() {
    Job owner =
        new JobBuilder()
            .withNewMetadata()
            .withName("job-x")
            .withNamespace("aifabric-ml")
            .withUid("job-uid")
            .endMetadata()
            .build();

    Secret secret =
        SealingSidecar.uploadSecret(owner, List.of("https://a", "https://b"), Map.of("l", "v"));

    assertThat(secret.getMetadata().getName()).isEqualTo("job-x-upload");
    assertThat(secret.getStringData())
        .containsExactly(Map.entry("0", "https://a"), Map.entry("1", "https://b"));
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Job");
              assertThat(o.getUid()).isEqualTo("job-uid");
            });
  }
}
