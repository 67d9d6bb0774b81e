package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.EnvVar;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.VolumeMount;
import io.aifabric.api.v1alpha1.storagevolume.AccessMode;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.testbed.TestBed;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * StorageVolumes on real control planes: claimed in the member a job runs in, bound there by the
 * member's own controller to a PersistentVolume its provider made, mounted into the job's pods;
 * jobs that name a volume that cannot bind or does not exist wait and say why; deleting a volume a
 * running job mounts waits for the job.
 */
@Order(16)
class StorageVolumesE2E extends FederatedE2E {

  @Test
  void aVolumeIsClaimedBoundAndMountedWhereItsJobRunsAndOutlivesNoJobThatMountsIt(TestBed bed)
      throws Exception {
    KubernetesClient memberA = bed.client("member-a");
    String pv = "pv-" + ns;
    StorageVolume data = exampleVolume("training-data");
    data.getSpec().setClusters(List.of("member-a"));
    data = federation.host.resource(data).create();
    AIJob job = mounting("reads-data", "training-data", "20s");
    job = federation.create(job);
    Federation.offerTo(memberA, data.getMetadata().getUid(), volume(pv, "500Gi", "ReadOnlyMany"));

    AIJob running = federation.awaitPhase(job, JobPhase.Running, Duration.ofSeconds(60));
    assertThat(running.getStatus().getPlacement().getCluster()).isEqualTo("member-a");
    assertThat(Federation.condition(running, "VolumesMounted"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getMessage()).contains("bound to " + pv);
            });
    // The binding is the member's: its PersistentVolume controller set it on the claim.
    String tenant = "aifabric-" + ns;
    List<PersistentVolumeClaim> claims =
        memberA.persistentVolumeClaims().inNamespace(tenant).list().getItems();
    assertThat(claims)
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getSpec().getVolumeName()).isEqualTo(pv);
              assertThat(c.getStatus().getPhase()).isEqualTo("Bound");
              assertThat(c.getSpec().getAccessModes()).containsExactly("ReadOnlyMany");
              assertThat(c.getSpec().getResources().getRequests().get("storage"))
                  .isEqualTo(new Quantity("500Gi"));
            });
    assertThat(memberA.persistentVolumes().withName(pv).get().getSpec().getClaimRef().getName())
        .isEqualTo(claims.get(0).getMetadata().getName());
    Job memberJob = memberJob(memberA, tenant, job);
    var podSpec = memberJob.getSpec().getTemplate().getSpec();
    assertThat(podSpec.getVolumes())
        .anySatisfy(
            v ->
                assertThat(v.getPersistentVolumeClaim().getClaimName())
                    .isEqualTo(claims.get(0).getMetadata().getName()));
    assertThat(podSpec.getContainers().get(0).getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/data");
              assertThat(m.getReadOnly()).isTrue();
            });
    StorageVolume bound = awaitReady(data, "True", "Bound");
    assertThat(bound.getStatus().getClaims())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getCluster()).isEqualTo("member-a");
              assertThat(c.getPhase()).isEqualTo("Bound");
              assertThat(c.getVolumeName()).isEqualTo(pv);
              assertThat(c.getCapacity()).isEqualTo("500Gi");
            });

    // Deleting it while the job runs is held until the job ends; then the claim goes too.
    federation.host.resource(data).delete();
    StorageVolume held = awaitReady(data, "False", "DeletionHeld");
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(
            Federation.condition(federation.get(job), "VolumesMounted").orElseThrow().getStatus())
        .isEqualTo("True");
    federation.awaitPhase(job, JobPhase.Succeeded, Duration.ofSeconds(90));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(volumeNamed("training-data")).isNull();
              // Deleted; the member's PVC protection keeps it while the finished Job's pods,
              // which used it, are there.
              assertThat(memberA.persistentVolumeClaims().inNamespace(tenant).list().getItems())
                  .allSatisfy(c -> assertThat(c.getMetadata().getDeletionTimestamp()).isNotNull());
            });
    federation.host.resource(job).delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(memberA.persistentVolumeClaims().inNamespace(tenant).list().getItems())
                    .isEmpty());
  }

  @Test
  void aJobWaitsForAVolumeThatCannotBindOrDoesNotExistAndRunsOnceItBinds(TestBed bed)
      throws Exception {
    KubernetesClient memberB = bed.client("member-b");
    StorageVolume big = exampleVolume("scratch");
    big.getSpec().setSize(new Quantity("10Ti"));
    big.getSpec().setAccessMode(AccessMode.ReadWriteMany);
    big.getSpec().setClusters(List.of("member-b"));
    federation.host.resource(big).create();
    AIJob waiting = federation.create(mounting("needs-scratch", "scratch", "2s"));
    AIJob nowhere = federation.create(mounting("needs-nothing-there", "no-such-volume", "2s"));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              AIJob now = federation.get(waiting);
              assertThat(Federation.condition(now, "Dispatched"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("AwaitingVolumes");
                        assertThat(c.getMessage())
                            .contains("waiting in member-b for scratch")
                            .contains("no PersistentVolume there matches it yet");
                      });
              assertThat(Federation.condition(now, "VolumesMounted").orElseThrow().getReason())
                  .isEqualTo("ClaimPending");
            });
    assertThat(federation.memberJobs(waiting)).isEmpty();
    awaitReady(big, "False", "ClaimPending");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              AIJob now = federation.get(nowhere);
              assertThat(now.getStatus().getPhase()).isEqualTo(JobPhase.Pending);
              assertThat(now.getStatus().getPlacement()).isNull();
              assertThat(Federation.condition(now, "VolumesMounted"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getReason()).isEqualTo("VolumeMissing");
                        assertThat(c.getMessage())
                            .startsWith(
                                "StorageVolume no-such-volume does not exist in namespace " + ns);
                      });
            });

    // The provider adds a volume that fits: the member binds the claim, the job runs.
    memberB
        .persistentVolumes()
        .resource(volume("pv-scratch-" + ns, "10Ti", "ReadWriteMany"))
        .create();
    federation.awaitPhase(waiting, JobPhase.Succeeded, Duration.ofSeconds(90));
    awaitReady(big, "True", "Bound");
  }

  private static StorageVolume exampleVolume(String name) throws IOException {
    StorageVolume volume =
        Serialization.unmarshal(
            Files.readString(Federation.example("30-storagevolume.yaml")), StorageVolume.class);
    volume.getMetadata().setNamespace(ns);
    volume.getMetadata().setName(name);
    return volume;
  }

  private static AIJob mounting(String name, String volume, String runtime) throws IOException {
    AIJob job = Federation.exampleJob("20-aijob-inference.yaml", ns, name);
    VolumeMount mount = new VolumeMount();
    mount.setStorageVolume(volume);
    mount.setMountPath("/data");
    mount.setReadOnly(true);
    job.getSpec().setVolumes(List.of(mount));
    EnvVar simulated = new EnvVar();
    simulated.setName("SIMULATED_RUNTIME");
    simulated.setValue(runtime);
    job.getSpec().getEnv().add(simulated);
    return job;
  }

  /** A PersistentVolume as a provider makes one (static; no storage class). */
  private static PersistentVolume volume(String name, String size, String mode) {
    return new PersistentVolumeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withCapacity(Map.of("storage", new Quantity(size)))
        .withAccessModes(mode)
        .withPersistentVolumeReclaimPolicy("Retain")
        .withStorageClassName("")
        .withNewHostPath()
        .withPath("/srv/" + name)
        .endHostPath()
        .endSpec()
        .build();
  }

  private static StorageVolume volumeNamed(String name) {
    return federation.host.resources(StorageVolume.class).inNamespace(ns).withName(name).get();
  }

  private static StorageVolume awaitReady(StorageVolume volume, String status, String reason) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              StorageVolume now = volumeNamed(volume.getMetadata().getName());
              assertThat(now).isNotNull();
              assertThat(now.getStatus()).isNotNull();
              assertThat(now.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo(status);
                        assertThat(c.getReason()).isEqualTo(reason);
                      });
            });
    return volumeNamed(volume.getMetadata().getName());
  }

  private static Job memberJob(KubernetesClient member, String namespace, AIJob job) {
    return member
        .batch()
        .v1()
        .jobs()
        .inNamespace(namespace)
        .withLabel("aifabric.io/job-uid", job.getMetadata().getUid())
        .list()
        .getItems()
        .get(0);
  }
}
