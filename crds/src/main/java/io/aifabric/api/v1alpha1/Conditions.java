package io.aifabric.api.v1alpha1;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * Sets standard conditions the way Kubernetes expects: lastTransitionTime changes only when the
 * status does, so a reconcile that finds nothing new writes nothing new.
 */
public final class Conditions {
  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  private final Clock clock;

  public Conditions(Clock clock) {
    this.clock = clock;
  }

  /** Sets (adds or replaces) the condition of that type in the list. */
  public void set(
      List<Condition> conditions,
      String type,
      String status,
      String reason,
      String message,
      Long observedGeneration) {
    Optional<Condition> existing = find(conditions, type);
    String transition =
        existing
            .filter(c -> status.equals(c.getStatus()))
            .map(Condition::getLastTransitionTime)
            .orElseGet(() -> now().toString());
    Condition condition =
        new ConditionBuilder()
            .withType(type)
            .withStatus(status)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(observedGeneration)
            .withLastTransitionTime(transition)
            .build();
    existing.ifPresentOrElse(
        c -> conditions.set(conditions.indexOf(c), condition), () -> conditions.add(condition));
  }

  public static Optional<Condition> find(List<Condition> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  /** Whether the condition of that type already says this message (so its Event was recorded). */
  public static boolean says(List<Condition> conditions, String type, String message) {
    return find(conditions, type).map(c -> message.equals(c.getMessage())).orElse(false);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return find(conditions, type).map(c -> TRUE.equals(c.getStatus())).orElse(false);
  }

  /** Seconds resolution, as Kubernetes stores metav1.Time. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }
}
