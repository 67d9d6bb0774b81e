package io.aifabric.console.view;

import io.fabric8.kubernetes.api.model.Condition;
import io.quarkus.qute.TemplateData;
import java.util.List;
import java.util.Optional;

/** One status condition as a page shows it. */
@TemplateData
public record ConditionView(
    String type, String status, String reason, String message, String since) {

  static List<ConditionView> of(List<Condition> conditions) {
    if (conditions == null) {
      return List.of();
    }
    return conditions.stream()
        .map(
            c ->
                new ConditionView(
                    c.getType(),
                    c.getStatus(),
                    c.getReason(),
                    c.getMessage(),
                    c.getLastTransitionTime()))
        .toList();
  }

  static Optional<ConditionView> find(List<ConditionView> conditions, String type) {
    return conditions.stream().filter(c -> type.equals(c.type())).findFirst();
  }

  static boolean isTrue(List<ConditionView> conditions, String type) {
    return find(conditions, type).map(c -> "True".equals(c.status())).orElse(false);
  }

  public boolean isTrue() {
    return "True".equals(status);
  }
}
