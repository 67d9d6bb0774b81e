package io.aifabric.api.v1alpha1.aijob;

import io.aifabric.api.v1alpha1.Formats;
import io.aifabric.api.v1alpha1.RootValidationRule;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * An AI workload submitted to the network: one or more replicas (a gang) of a container, each with
 * GPUs, placed on one member cluster and paid from escrow.
 *
 * <p>The root-level rule needs both spec and status, so it cannot sit on a field: once the job is
 * placed its size is part of the agreement with the member (and of the escrow), so resources and
 * replicas freeze.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("aij")
@Categories(Formats.CATEGORY)
@RootValidationRule(
    rule =
        "!has(oldSelf.status) || !has(oldSelf.status.phase) || oldSelf.status.phase == 'Pending'"
            + " || (self.spec.resources == oldSelf.spec.resources"
            + " && self.spec.replicas == oldSelf.spec.replicas)",
    message =
        "spec.resources and spec.replicas cannot change once the job is placed;"
            + " delete the AIJob and create a new one to resize it",
    reason = "FieldValueForbidden")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Replicas",
    jsonPath = ".spec.replicas",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "GPUs",
    jsonPath = ".spec.resources.gpusPerReplica",
    type = AdditionalPrinterColumn.Type.INTEGER,
    getDescription = "GPUs per replica")
@AdditionalPrinterColumn(
    name = "Cluster",
    jsonPath = ".status.placement.cluster",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Cost",
    jsonPath = ".status.cost",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AIJob extends CustomResource<AIJobSpec, AIJobStatus> implements Namespaced {}
