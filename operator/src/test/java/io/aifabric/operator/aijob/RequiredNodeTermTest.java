package io.aifabric.operator.aijob;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import org.junit.jupiter.api.Test;

class RequiredNodeTermTest {
  @Test
  void everyConstraintGoesIntoOneTermSoThatTheyAllHold() {
    PodSpec pod = new PodSpec();

    RequiredNodeTerm.requireLabel(
        pod,
        new NodeSelectorRequirementBuilder()
            .withKey("aifabric.io/tier")
            .withOperator("Gt")
            .withValues("1")
            .build());
    RequiredNodeTerm.requireField(
        pod,
        new NodeSelectorRequirementBuilder()
            .withKey("metadata.name")
            .withOperator("In")
            .withValues("gpu-1")
            .build());

    var terms =
        pod.getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    // Terms are ORed by the scheduler: two terms would let either constraint alone admit a node.
    assertThat(terms).hasSize(1);
    assertThat(terms.get(0).getMatchExpressions())
        .singleElement()
        .satisfies(r -> assertThat(r.getKey()).isEqualTo("aifabric.io/tier"));
    assertThat(terms.get(0).getMatchFields())
        .singleElement()
        .satisfies(r -> assertThat(r.getValues()).containsExactly("gpu-1"));
  }
}
