package io.aifabric.api.v1alpha1;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.computenode.ComputeNode;
import io.aifabric.api.v1alpha1.membercluster.MemberCluster;
import io.aifabric.api.v1alpha1.settlement.EpochReward;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.api.v1alpha1.settlement.Slash;
import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRuleBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes the CRD YAML of every aifabric kind. Runs in the build (process-test-classes); {@link
 * CommittedCrdYamlTest} then fails when the committed copy in {@code crds/generated} is stale.
 *
 * <p>A post-processor adds what Fabric8's generator cannot express: it sorts printer columns by
 * JSON path, which would put AGE before PHASE (kubectl prints columns in CRD order), so the order
 * the classes declare is restored; {@link RootValidationRule}s go on the root schema; and an
 * embedded object (a {@code GenericKubernetesResource}: MemberWork's manifests) keeps its fields
 * ({@code x-kubernetes-preserve-unknown-fields}), which the generator leaves out, so the API server
 * would prune everything but its apiVersion, kind and metadata; an {@link AtomicSpec} kind's spec
 * is marked atomic.
 */
public final class CrdYamlGenerator {

  /**
   * Every kind of the API. A new kind is added here, and its YAML is then generated and checked.
   */
  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          MemberCluster.class,
          ComputeNode.class,
          io.aifabric.api.v1alpha1.nodereport.NodeReport.class,
          io.aifabric.api.v1alpha1.memberwork.MemberWork.class,
          AIJob.class,
          StorageVolume.class,
          SettlementBatch.class,
          Slash.class,
          EpochReward.class);

  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Path committed = Path.of(args[1]);
    boolean updateCommitted = Boolean.parseBoolean(args[2]);

    Files.createDirectories(out);
    try (Stream<Path> old = Files.list(out)) {
      for (Path p : old.toList()) {
        Files.delete(p);
      }
    }
    new CRDGenerator()
        .customResourceClasses(KINDS)
        .forCRDVersions("v1")
        .withPostProcessor(new AifabricPostProcessor())
        .inOutputDir(out.toFile())
        .generate();
    // The generator names files <crd-name>-v1.yml; users and the chart expect <crd-name>.yaml.
    try (Stream<Path> files = Files.list(out)) {
      for (Path p : files.toList()) {
        String name = p.getFileName().toString().replace("-v1.yml", ".yaml");
        Files.move(p, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    if (updateCommitted) {
      Files.createDirectories(committed);
      try (Stream<Path> files = Files.list(out)) {
        for (Path p : files.toList()) {
          Files.copy(p, committed.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      System.out.println("Rewrote the committed CRD YAML in " + committed);
    }
  }

  static final class AifabricPostProcessor implements CRDPostProcessor {
    private final Map<String, Class<?>> kindsByName =
        KINDS.stream().collect(Collectors.toMap(HasMetadata::getKind, Function.identity()));

    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      var definition = (CustomResourceDefinition) crd;
      Class<?> kind = kindsByName.get(definition.getSpec().getNames().getKind());
      List<String> declared =
          Arrays.stream(kind.getAnnotationsByType(AdditionalPrinterColumn.class))
              .map(AdditionalPrinterColumn::name)
              .toList();
      List<ValidationRule> rootRules =
          Arrays.stream(kind.getAnnotationsByType(RootValidationRule.class))
              .map(
                  r ->
                      new ValidationRuleBuilder()
                          .withRule(r.rule())
                          .withMessage(r.message())
                          .withReason(r.reason())
                          .build())
              .toList();
      for (var version : definition.getSpec().getVersions()) {
        List<CustomResourceColumnDefinition> columns = version.getAdditionalPrinterColumns();
        if (columns != null) {
          columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
        }
        if (!rootRules.isEmpty()) {
          version.getSchema().getOpenAPIV3Schema().setXKubernetesValidations(rootRules);
        }
        keepEmbeddedFields(version.getSchema().getOpenAPIV3Schema());
        if (kind.isAnnotationPresent(AtomicSpec.class)) {
          version
              .getSchema()
              .getOpenAPIV3Schema()
              .getProperties()
              .get("spec")
              .setXKubernetesMapType("atomic");
        }
      }
      return crd;
    }

    private static void keepEmbeddedFields(
        io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps schema) {
      if (schema == null) {
        return;
      }
      if (Boolean.TRUE.equals(schema.getXKubernetesEmbeddedResource())) {
        schema.setXKubernetesPreserveUnknownFields(true);
      }
      if (schema.getProperties() != null) {
        schema.getProperties().values().forEach(AifabricPostProcessor::keepEmbeddedFields);
      }
      if (schema.getItems() != null) {
        keepEmbeddedFields(schema.getItems().getSchema());
      }
    }
  }

  private CrdYamlGenerator() {}
}
