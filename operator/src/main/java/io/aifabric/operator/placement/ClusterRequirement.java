package io.aifabric.operator.placement;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code matchExpressions} entry of a job's clusterSelector, with Kubernetes label-selector
 * meaning: In and NotIn compare a label's value with a set, Exists and DoesNotExist ask only for
 * the key. (NotIn and DoesNotExist also match a cluster without the label, as in Kubernetes.)
 */
public record ClusterRequirement(String key, Operator operator, Set<String> values) {
  public enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist
  }

  public ClusterRequirement {
    values = Set.copyOf(values);
  }

  public boolean matches(Map<String, String> labels) {
    String value = labels.get(key);
    return switch (operator) {
      case In -> value != null && values.contains(value);
      case NotIn -> value == null || !values.contains(value);
      case Exists -> value != null;
      case DoesNotExist -> value == null;
    };
  }

  @Override
  public String toString() {
    return switch (operator) {
      case In -> key + " in " + new TreeSet<>(values);
      case NotIn -> key + " not in " + new TreeSet<>(values);
      case Exists -> key + " exists";
      case DoesNotExist -> "no " + key;
    };
  }
}
