package io.aifabric.api.v1alpha1.membercluster;

import io.aifabric.api.v1alpha1.Formats;
import io.aifabric.api.v1alpha1.RootValidationRule;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A provider's Kubernetes cluster that has joined the network. Cluster-scoped. In push mode the
 * host reaches the member with the kubeconfig in the referenced Secret; in pull mode the member's
 * agent dials out to the host, into a namespace of its own there ({@code aifabric-member-<name>}).
 * Placement reads {@code metadata.labels} for cluster selectors, the way Karmada selects clusters.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("mc")
@Categories(Formats.CATEGORY)
@RootValidationRule(
    rule =
        "!has(self.spec.mode) || self.spec.mode != 'Pull'"
            + " || self.metadata.name.matches('^[a-z0-9]([-a-z0-9]{0,45}[a-z0-9])?$')",
    message =
        "a Pull member's name is a DNS label of at most 47 characters: its namespace on the host is"
            + " aifabric-member-<name>")
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Region",
    jsonPath = ".spec.region",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Version",
    jsonPath = ".status.kubernetesVersion",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "GPUs",
    jsonPath = ".status.gpuTotal",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MemberCluster extends CustomResource<MemberClusterSpec, MemberClusterStatus> {}
