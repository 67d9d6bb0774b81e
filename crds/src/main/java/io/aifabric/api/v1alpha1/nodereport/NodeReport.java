package io.aifabric.api.v1alpha1.nodereport;

import io.aifabric.api.v1alpha1.AtomicSpec;
import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One GPU node of a pull member, as the member's agent reports it: written by the agent into its
 * member's namespace on the host ({@code aifabric-member-<member>}), named as the node. It carries
 * what the operator reads from a push member's Node and Pods when it probes it: labels, the
 * aifabric annotations (the node agent's signed registrations), GPU capacity, readiness, and the
 * GPUs pods hold. The member it belongs to is the namespace it is in, never anything it says. Its
 * status is the operator's: what the network puts on that node ({@link NodeReportStatus}), which
 * the agent copies onto it.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("nr")
@Categories(Formats.CATEGORY)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".spec.ready",
    type = AdditionalPrinterColumn.Type.BOOLEAN)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
@AtomicSpec
public class NodeReport extends CustomResource<NodeReportSpec, NodeReportStatus>
    implements Namespaced {}
