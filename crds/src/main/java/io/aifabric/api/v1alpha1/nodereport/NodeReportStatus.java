package io.aifabric.api.v1alpha1.nodereport;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.aifabric.contract.NodeLabels;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.HashMap;
import java.util.Map;
import lombok.Data;

/**
 * What the network puts on the reported node, written by the operator (the agent may not write
 * status): the labels that say what it proved of the node, which the member's scheduler extender
 * reads, and the node agent's broker certificate. The member's agent copies exactly these keys onto
 * its Node, as the operator edits a push member's Node directly.
 */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeReportStatus {
  /** aifabric.io/verified, available, availability-score and tier; a label not here goes. */
  @Size(max = 8)
  @ValidationRule(
      value =
          "self.all(k, k in ['"
              + NodeLabels.VERIFIED
              + "', '"
              + NodeLabels.AVAILABLE
              + "', '"
              + NodeLabels.SCORE
              + "', '"
              + NodeLabels.TIER
              + "'])",
      message = "only the network's verdict labels are put on a member's node")
  private Map<String, String> labels = new HashMap<>();

  /** aifabric.io/broker-certificate. */
  @Size(max = 4)
  @ValidationRule(
      value = "self.all(k, k == '" + NodeLabels.BROKER_CERTIFICATE + "')",
      message = "only the broker certificate annotation is put on a member's node")
  private Map<String, String> annotations = new HashMap<>();
}
