package io.aifabric.operator.aijob;

import io.aifabric.api.v1alpha1.Formats;
import io.aifabric.api.v1alpha1.aijob.AIJobSpec;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The operator's second line behind the API server's CEL rules: what those rules cannot express,
 * and the essentials again, for objects that reached the API some other way.
 */
final class SpecValidator {
  private static final java.util.regex.Pattern IMAGE =
      java.util.regex.Pattern.compile(Formats.IMAGE_REFERENCE);

  private SpecValidator() {}

  static List<String> problems(AIJobSpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec.getImage() == null || spec.getImage().isBlank()) {
      problems.add("spec.image is empty: name the container image to run");
    } else if (!IMAGE.matcher(spec.getImage()).matches()) {
      problems.add("spec.image: " + Formats.IMAGE_MESSAGE);
    }
    if (spec.getResources() == null || spec.getResources().getGpusPerReplica() == null) {
      problems.add("spec.resources.gpusPerReplica is missing");
    } else if (spec.getResources().getGpusPerReplica() < 1
        || spec.getResources().getGpusPerReplica() > 64) {
      problems.add("spec.resources.gpusPerReplica must be between 1 and 64");
    } else if (spec.getResources().getGpuModels().stream()
        .anyMatch(m -> m == null || m.isBlank())) {
      problems.add("spec.resources.gpuModels has an empty model name");
    }
    if (spec.getReplicas() == null || spec.getReplicas() < 1) {
      problems.add("spec.replicas must be at least 1");
    }
    if (spec.getPlacement() != null
        && spec.getPlacement().getClusterSelector() != null
        && spec.getPlacement().getClusterSelector().getMatchExpressions() != null) {
      var expressions = spec.getPlacement().getClusterSelector().getMatchExpressions();
      for (int i = 0; i < expressions.size(); i++) {
        String problem = selectorProblem(expressions.get(i));
        if (problem != null) {
          problems.add("spec.placement.clusterSelector.matchExpressions[" + i + "]: " + problem);
        }
      }
    }
    try {
      Duration d = MaxDuration.parse(spec.getMaxDuration());
      if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofHours(168)) > 0) {
        problems.add("spec.maxDuration must be between 1m and 168h");
      }
    } catch (DateTimeParseException e) {
      problems.add("spec.maxDuration must be a duration such as 90m or 4h");
    }
    return problems;
  }

  /** What is wrong with one label-selector requirement, as the API server would say it. */
  private static String selectorProblem(LabelSelectorRequirement r) {
    if (r.getKey() == null || r.getKey().isBlank()) {
      return "key is required";
    }
    String operator = r.getOperator();
    int values = r.getValues() == null ? 0 : r.getValues().size();
    if ("In".equals(operator) || "NotIn".equals(operator)) {
      return values == 0 ? "operator " + operator + " needs at least one value" : null;
    }
    if ("Exists".equals(operator) || "DoesNotExist".equals(operator)) {
      return values == 0 ? null : "operator " + operator + " takes no values";
    }
    return "operator " + operator + " is not one of In, NotIn, Exists, DoesNotExist";
  }
}
