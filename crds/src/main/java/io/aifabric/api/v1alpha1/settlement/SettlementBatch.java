package io.aifabric.api.v1alpha1.settlement;

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
 * One batch of job settlements on its way to the JobEscrow contract, and the escrow bridge's
 * durable memory of it: what the oracles signed, every transaction the relayer signed before it
 * broadcast it, and where the batch landed. A bridge that crashes at any point resumes from here,
 * so no batch is lost and none is paid twice. Written by the escrow bridge only.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@ShortNames("sb")
@Categories(Formats.CATEGORY)
@RootValidationRule(
    rule = "!has(oldSelf.spec) || self.spec == oldSelf.spec",
    message =
        "spec is immutable: the oracles sign a batch as it is; build a new SettlementBatch instead",
    reason = "FieldValueForbidden")
@AdditionalPrinterColumn(
    name = "Nonce",
    jsonPath = ".spec.nonce",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Jobs",
    jsonPath = ".status.jobs",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Tx",
    jsonPath = ".status.txHash",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
@AdditionalPrinterColumn(
    name = "Block",
    jsonPath = ".status.blockNumber",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SettlementBatch extends CustomResource<SettlementBatchSpec, SettlementBatchStatus>
    implements Namespaced {}
