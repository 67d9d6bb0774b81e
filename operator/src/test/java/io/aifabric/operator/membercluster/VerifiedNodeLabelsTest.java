package io.aifabric.operator.membercluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.computenode.Availability;
import io.aifabric.api.v1alpha1.computenode.ComputeNodeStatus;
import io.aifabric.contract.NodeLabels;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import org.junit.jupiter.api.Test;

class VerifiedNodeLabelsTest {
  @Test
  void theLabelsSayWhatTheComputeNodeSays() {
    ComputeNodeStatus status = new ComputeNodeStatus();
    status
        .getConditions()
        .add(new ConditionBuilder().withType("Verified").withStatus("False").build());
    status
        .getConditions()
        .add(new ConditionBuilder().withType("Available").withStatus("True").build());
    Availability availability = new Availability();
    availability.setScore(201);
    status.setAvailability(availability);
    status.setTier(2);
    var labels = VerifiedNodeLabels.desired(status);
    assertThat(labels)
        .containsEntry(NodeLabels.VERIFIED, "false")
        .containsEntry(NodeLabels.AVAILABLE, "true")
        .containsEntry(NodeLabels.SCORE, "201")
        .containsEntry(NodeLabels.TIER, "2");
  }

  @Test
  void whatIsNotKnownIsSaidSoOrLeftOff() {
    var labels = VerifiedNodeLabels.desired(new ComputeNodeStatus());
    assertThat(labels).containsEntry(NodeLabels.VERIFIED, "unknown");
    assertThat(labels.get(NodeLabels.SCORE)).isNull();
    assertThat(labels.get(NodeLabels.TIER)).isNull();
  }
}
