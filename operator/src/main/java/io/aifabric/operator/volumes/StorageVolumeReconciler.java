package io.aifabric.operator.volumes;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.storagevolume.ClusterClaim;
import io.aifabric.api.v1alpha1.storagevolume.InputStatus;
import io.aifabric.api.v1alpha1.storagevolume.SealedInput;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolumeStatus;
import io.aifabric.operator.fleet.FleetState;
import io.aifabric.operator.membercluster.MemberClients;
import io.aifabric.operator.placement.ClusterView;
import io.aifabric.operator.status.EventRecorder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps a StorageVolume's status the members' word on its claims: per member the claim and its
 * phase as the member's API server says it ({@code status.claims}), and {@code Ready}. Deleting a
 * volume that an unfinished AIJob mounts is held (a finalizer) until those jobs end; then its
 * claims are deleted in every member that answers.
 */
@ControllerConfiguration(name = "storagevolume")
public class StorageVolumeReconciler implements Reconciler<StorageVolume>, Cleaner<StorageVolume> {
  static final String READY = "Ready";
  private static final Logger LOG = Logger.getLogger(StorageVolumeReconciler.class);
  private static final Duration LOOK_AGAIN = Duration.ofSeconds(10);
  private static final Duration HELD_RETRY = Duration.ofSeconds(5);

  private final KubernetesClient host;
  private final MemberClients clients;
  private final FleetState fleet;
  private final Conditions conditions;
  private final EventRecorder events;

  public StorageVolumeReconciler(
      KubernetesClient host,
      MemberClients clients,
      FleetState fleet,
      Conditions conditions,
      EventRecorder events) {
    this.host = host;
    this.clients = clients;
    this.fleet = fleet;
    this.conditions = conditions;
    this.events = events;
  }

  @Override
  public UpdateControl<StorageVolume> reconcile(StorageVolume volume, Context<StorageVolume> ctx) {
    StorageVolumeStatus status = copy(volume.getStatus());
    List<ClusterClaim> claims = claims(volume);
    status.setClaims(claims);
    status.setInputs(inputsOf(volume));
    status.setObservedGeneration(volume.getMetadata().getGeneration());
    List<String> pending = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    for (ClusterClaim claim : claims) {
      if ("Lost".equals(claim.getPhase())) {
        lost.add(claim.getCluster());
      } else if (!"Bound".equals(claim.getPhase())) {
        pending.add(claim.getCluster());
      }
    }
    if (!lost.isEmpty()) {
      ready(
          volume,
          status,
          false,
          "ClaimLost",
          "its claim in " + String.join(", ", lost) + " lost its PersistentVolume");
    } else if (!pending.isEmpty()) {
      ready(
          volume,
          status,
          false,
          "ClaimPending",
          "its claim in "
              + String.join(", ", pending)
              + " is not bound: no PersistentVolume there matches it yet");
    } else if (claims.isEmpty()) {
      ready(
          volume,
          status,
          true,
          "Unclaimed",
          "claimed in whichever member runs a job that mounts it");
    } else {
      ready(
          volume,
          status,
          true,
          "Bound",
          "bound in " + String.join(", ", claims.stream().map(ClusterClaim::getCluster).toList()));
    }
    if (Objects.equals(status, volume.getStatus())) {
      return UpdateControl.<StorageVolume>noUpdate().rescheduleAfter(LOOK_AGAIN);
    }
    volume.setStatus(status);
    return UpdateControl.patchStatus(volume).rescheduleAfter(LOOK_AGAIN);
  }

  @Override
  public DeleteControl cleanup(StorageVolume volume, Context<StorageVolume> ctx) {
    List<String> users = unfinishedJobsMounting(volume);
    if (!users.isEmpty()) {
      String message =
          "deletion held: AIJob "
              + String.join(", ", users)
              + " still mounts it; it goes when they end";
      StorageVolumeStatus status = copy(volume.getStatus());
      if (!Conditions.says(status.getConditions(), READY, message)) {
        events.record(volume, EventRecorder.NORMAL, "DeletionHeld", message);
        ready(volume, status, false, "DeletionHeld", message);
        volume.setStatus(status);
        host.resource(volume).patchStatus();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(HELD_RETRY);
    }
    for (ClusterView member : fleet.views()) {
      Optional<KubernetesClient> client = clients.get(member.name());
      if (client.isEmpty()) {
        continue;
      }
      try {
        // One by one: the host's role in a member may delete a claim, not a collection.
        for (PersistentVolumeClaim pvc :
            client
                .get()
                .persistentVolumeClaims()
                .inAnyNamespace()
                .withLabel(VolumeClaims.VOLUME_UID, volume.getMetadata().getUid())
                .list()
                .getItems()) {
          client.get().resource(pvc).delete();
        }
      } catch (KubernetesClientException e) {
        LOG.warnf(
            "StorageVolume %s/%s: could not delete its claim in %s: %s",
            volume.getMetadata().getNamespace(),
            volume.getMetadata().getName(),
            member.name(),
            e.getMessage());
      }
    }
    return DeleteControl.defaultDelete();
  }

  /** The volume's claims in every member that answers, as each member's API server has them. */
  private List<ClusterClaim> claims(StorageVolume volume) {
    List<ClusterClaim> claims = new ArrayList<>();
    for (ClusterView member : fleet.views()) {
      Optional<KubernetesClient> client = clients.get(member.name());
      if (client.isEmpty() || !fleet.isReady(member.name())) {
        // Not answering: keep what was last known there.
        claims.addAll(known(volume, member.name()));
        continue;
      }
      for (PersistentVolumeClaim pvc :
          client
              .get()
              .persistentVolumeClaims()
              .inAnyNamespace()
              .withLabel(VolumeClaims.VOLUME_UID, volume.getMetadata().getUid())
              .list()
              .getItems()) {
        ClusterClaim claim = new ClusterClaim();
        claim.setCluster(member.name());
        claim.setNamespace(pvc.getMetadata().getNamespace());
        claim.setClaimName(pvc.getMetadata().getName());
        claim.setPhase(pvc.getStatus() == null ? null : pvc.getStatus().getPhase());
        claim.setVolumeName(pvc.getSpec().getVolumeName());
        if (pvc.getStatus() != null
            && pvc.getStatus().getCapacity() != null
            && pvc.getStatus().getCapacity().get("storage") != null) {
          claim.setCapacity(pvc.getStatus().getCapacity().get("storage").toString());
        }
        claims.add(claim);
      }
    }
    claims.sort(Comparator.comparing(ClusterClaim::getCluster));
    return claims;
  }

  private static List<ClusterClaim> known(StorageVolume volume, String cluster) {
    if (volume.getStatus() == null || volume.getStatus().getClaims() == null) {
      return List.of();
    }
    return volume.getStatus().getClaims().stream()
        .filter(c -> cluster.equals(c.getCluster()))
        .toList();
  }

  private List<String> unfinishedJobsMounting(StorageVolume volume) {
    return host
        .resources(AIJob.class)
        .inNamespace(volume.getMetadata().getNamespace())
        .list()
        .getItems()
        .stream()
        .filter(job -> !finished(job))
        .filter(
            job ->
                job.getSpec().getVolumes().stream()
                    .anyMatch(v -> v.getStorageVolume().equals(volume.getMetadata().getName())))
        .map(job -> job.getMetadata().getName())
        .sorted()
        .toList();
  }

  private static boolean finished(AIJob job) {
    JobPhase phase = job.getStatus() == null ? null : job.getStatus().getPhase();
    return phase == JobPhase.Succeeded || phase == JobPhase.Failed || phase == JobPhase.Settled;
  }

  private void ready(
      StorageVolume volume, StorageVolumeStatus status, boolean ready, String reason, String msg) {
    conditions.set(
        status.getConditions(),
        READY,
        ready ? Conditions.TRUE : Conditions.FALSE,
        reason,
        msg,
        volume.getMetadata().getGeneration());
  }

  /** The spec's sealed inputs as accepted (the API server checked their form): what to check. */
  private static List<InputStatus> inputsOf(StorageVolume volume) {
    List<InputStatus> inputs = new ArrayList<>();
    for (SealedInput input : volume.getSpec().getInputs()) {
      InputStatus accepted = new InputStatus();
      accepted.setName(input.getName());
      accepted.setContentAddress(input.getContentAddress());
      accepted.setSealedBytes(input.getSealedBytes());
      inputs.add(accepted);
    }
    return inputs;
  }

  private static StorageVolumeStatus copy(StorageVolumeStatus status) {
    return status == null ? new StorageVolumeStatus() : Serialization.clone(status);
  }
}
