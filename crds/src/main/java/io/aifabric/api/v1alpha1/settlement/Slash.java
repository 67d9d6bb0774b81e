package io.aifabric.api.v1alpha1.settlement;

import io.aifabric.api.v1alpha1.Formats;
import io.aifabric.api.v1alpha1.RootValidationRule;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One finding against a node on its way to NodeRegistry's {@code slash}: which node and provider,
 * the node's own signed hardware report it rests on, how much, and the escrow bridge's durable
 * memory of it (the oracles' answers, every transaction the relayer signed before it broadcast it,
 * where the slash landed). Named after its evidence, so whoever plans it creates it once; the
 * registry slashes each evidence once, whoever submits it. Written by the escrow bridge only.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@Plural("slashes")
@ShortNames("sl")
@Categories(Formats.CATEGORY)
@RootValidationRule(
    rule = "!has(oldSelf.spec) || self.spec == oldSelf.spec",
    message = "spec is immutable: the oracles sign a slash as it is",
    reason = "FieldValueForbidden")
@AdditionalPrinterColumn(
    name = "Node",
    jsonPath = ".spec.computeNode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Reason",
    jsonPath = ".spec.reason",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Taken",
    jsonPath = ".status.taken",
    type = AdditionalPrinterColumn.Type.STRING,
    priority = 1)
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
public class Slash extends CustomResource<SlashSpec, SlashStatus> implements Namespaced {
  /** The name of the Slash for an evidence (0x and 64 hex digits): one finding, one Slash. */
  public static String nameFor(String evidence) {
    return "slash-" + evidence.substring(2).toLowerCase(java.util.Locale.ROOT);
  }
}
