package io.aifabric.escrow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class NewerFieldsToleratedTest {
  private static final String NEWER =
      """
      {"apiVersion": "aifabric.io/v1alpha1", "kind": "ComputeNode",
       "metadata": {"name": "member-a.gpu-1"},
       "status": {"tier": 2, "aFieldFromANewerOperator": [{"epoch": 7}]}}
      """;

  @Test
  void aResourceWithAFieldFromANewerVersionIsReadWithWhatThisVersionKnows() {
    ObjectMapper mapper = new ObjectMapper();
    new NewerFieldsTolerated().customize(mapper);
    ComputeNode node =
        new KubernetesSerialization(mapper, true).unmarshal(NEWER, ComputeNode.class);
    assertThat(node.getStatus().getTier()).isEqualTo(2);
  }

  @Test
  void withoutItTheSameResourceCannotBeRead() {
    assertThatThrownBy(
            () ->
                new KubernetesSerialization(new ObjectMapper(), true)
                    .unmarshal(NEWER, ComputeNode.class))
        .rootCause()
        .hasMessageContaining("Unrecognized field \"aFieldFromANewerOperator\"");
  }
}
