package io.aifabric.operator.membercluster;

import java.util.Map;

/**
 * Where the network puts what it says about a member's node — the verdict labels the member's
 * scheduler extender reads, the node agent's broker certificate: on the Node itself for a push
 * member ({@link MemberNodeMarks}), into the node's report on the host for a pull member, whose
 * agent copies them onto the Node ({@link ReportNodeMarks}). One decision, two transports.
 *
 * <p>Both throw {@link io.fabric8.kubernetes.client.KubernetesClientException} when the write
 * fails; the caller tries again on its next pass.
 */
interface NodeMarks {
  /** Sets these labels on the node; a null value removes the label. */
  void label(String node, Map<String, String> labels);

  /** Sets one annotation on the node. */
  void annotate(String node, String key, String value);
}
