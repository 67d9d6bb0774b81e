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
 * One epoch's availability rewards on their way to AvailabilityRewards' {@code postEpoch}: the
 * epoch and the reward it shares out, and the escrow bridge's durable memory of it — each oracle's
 * answer (the root and total of the table it counted itself, and its signature over them), every
 * transaction the relayer signed before it broadcast it, and the root that was posted. Named after
 * its epoch, so whoever plans it creates it once; the contract posts each epoch once. Written by
 * the escrow bridge only.
 */
@Group(Formats.GROUP)
@Version(Formats.VERSION)
@Plural("epochrewards")
@ShortNames("er")
@Categories(Formats.CATEGORY)
@RootValidationRule(
    rule = "!has(oldSelf.spec) || self.spec == oldSelf.spec",
    message = "spec is immutable: the oracles sign an epoch's rewards as they are",
    reason = "FieldValueForbidden")
@AdditionalPrinterColumn(
    name = "Epoch",
    jsonPath = ".spec.epoch",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Reward",
    jsonPath = ".spec.reward",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Root",
    jsonPath = ".status.root",
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
public class EpochReward extends CustomResource<EpochRewardSpec, EpochRewardStatus>
    implements Namespaced {
  /** The name of an epoch's EpochReward: one epoch, one resource. */
  public static String nameFor(long epoch) {
    return "epoch-" + epoch;
  }
}
