package io.aifabric.operator.aijob;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The one required node-affinity term of a member Job's pods: every constraint the operator's
 * placement checked that the member's scheduler must keep too (a tier, an availability score, the
 * placed nodes) goes into it, so they hold together (requirements within a term are ANDed; terms
 * would be ORed) whichever scheduler binds the pods.
 */
public final class RequiredNodeTerm {
  private RequiredNodeTerm() {}

  /** Adds a requirement on a node label. */
  public static void requireLabel(PodSpec pod, NodeSelectorRequirement requirement) {
    term(pod).getMatchExpressions().add(requirement);
  }

  /** Adds a requirement on a node field (metadata.name). */
  public static void requireField(PodSpec pod, NodeSelectorRequirement requirement) {
    term(pod).getMatchFields().add(requirement);
  }

  private static NodeSelectorTerm term(PodSpec pod) {
    if (pod.getAffinity() == null) {
      pod.setAffinity(new Affinity());
    }
    Affinity affinity = pod.getAffinity();
    if (affinity.getNodeAffinity() == null) {
      affinity.setNodeAffinity(new NodeAffinity());
    }
    NodeAffinity nodes = affinity.getNodeAffinity();
    if (nodes.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      nodes.setRequiredDuringSchedulingIgnoredDuringExecution(new NodeSelector());
    }
    NodeSelector selector = nodes.getRequiredDuringSchedulingIgnoredDuringExecution();
    if (selector.getNodeSelectorTerms() == null || selector.getNodeSelectorTerms().isEmpty()) {
      selector.setNodeSelectorTerms(new ArrayList<>(List.of(new NodeSelectorTerm())));
    }
    NodeSelectorTerm term = selector.getNodeSelectorTerms().get(0);
    if (term.getMatchExpressions() == null) {
      term.setMatchExpressions(new ArrayList<>());
    }
    if (term.getMatchFields() == null) {
      term.setMatchFields(new ArrayList<>());
    }
    return term;
  }
}
