package io.aifabric.api.v1alpha1.storagevolume;

import io.aifabric.api.v1alpha1.Formats;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Storage that AIJobs mount, claimed in each member cluster that runs them; content is sealed. */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("sv")
@Categories(Formats.CATEGORY)
@AdditionalPrinterColumn(
    name = "Size",
    jsonPath = ".spec.size",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Access",
    jsonPath = ".spec.accessMode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class StorageVolume extends CustomResource<StorageVolumeSpec, StorageVolumeStatus>
    implements Namespaced {}
