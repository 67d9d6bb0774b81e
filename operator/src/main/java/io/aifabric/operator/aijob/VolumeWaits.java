package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.VOLUMES_MOUNTED;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.status.EventRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * A job that cannot mount its StorageVolumes waits, saying why in {@code VolumesMounted} (and an
 * Event when the reason changes).
 */
@ApplicationScoped
public class VolumeWaits {
  private final Conditions conditions;
  private final EventRecorder events;

  public VolumeWaits(Conditions conditions, EventRecorder events) {
    this.conditions = conditions;
    this.events = events;
  }

  /** A job that names StorageVolumes that are not there waits, saying which. */
  void volumesMissing(AIJob job, AIJobStatus status, List<String> missing) {
    volumesUnusable(
        job,
        status,
        "VolumeMissing",
        "StorageVolume "
            + String.join(", ", missing)
            + " does not exist in namespace "
            + job.getMetadata().getNamespace()
            + " (or is being deleted): the job waits for it");
  }

  void volumesUnusable(AIJob job, AIJobStatus status, String reason, String message) {
    if (!Conditions.says(status.getConditions(), VOLUMES_MOUNTED, message)) {
      events.record(job, EventRecorder.WARNING, reason, message);
    }
    if (status.getPhase() == null) {
      status.setPhase(JobPhase.Pending);
    }
    conditions.set(
        status.getConditions(),
        VOLUMES_MOUNTED,
        Conditions.FALSE,
        reason,
        message,
        job.getMetadata().getGeneration());
  }
}
