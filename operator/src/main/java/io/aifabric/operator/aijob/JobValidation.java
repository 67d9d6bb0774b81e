package io.aifabric.operator.aijob;

import static io.aifabric.operator.aijob.JobConditionTypes.VALID;

import io.aifabric.api.v1alpha1.Conditions;
import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.operator.outputs.SealedOutputsStatus;
import io.aifabric.operator.status.EventRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Step one of an AIJob: is its spec one the operator can run? The API server's CEL rules refuse
 * most bad specs; this is the second line ({@link SpecValidator}), written to the {@code Valid}
 * condition with an Event, and the {@code SealedOutputs} condition a sealed job starts with.
 */
@ApplicationScoped
public class JobValidation {
  private final Conditions conditions;
  private final EventRecorder events;

  public JobValidation(Conditions conditions, EventRecorder events) {
    this.conditions = conditions;
    this.events = events;
  }

  boolean validate(AIJob job, AIJobStatus status) {
    List<String> problems = SpecValidator.problems(job.getSpec());
    Long generation = job.getMetadata().getGeneration();
    if (!problems.isEmpty()) {
      String message = String.join("; ", problems);
      if (!Conditions.says(status.getConditions(), VALID, message)) {
        events.record(job, EventRecorder.WARNING, "InvalidSpec", message);
      }
      conditions.set(
          status.getConditions(), VALID, Conditions.FALSE, "InvalidSpec", message, generation);
      if (status.getPhase() == null) {
        status.setPhase(JobPhase.Pending);
      }
      return false;
    }
    conditions.set(
        status.getConditions(),
        VALID,
        Conditions.TRUE,
        "SpecValid",
        "the spec is valid",
        generation);
    if (job.getSpec().getEncryption() != null
        && Conditions.find(status.getConditions(), SealedOutputsStatus.CONDITION).isEmpty()) {
      conditions.set(
          status.getConditions(),
          SealedOutputsStatus.CONDITION,
          Conditions.FALSE,
          "AwaitingReplicas",
          "each replica's output is sealed to the user's key when the replica ends",
          generation);
    }
    return true;
  }
}
