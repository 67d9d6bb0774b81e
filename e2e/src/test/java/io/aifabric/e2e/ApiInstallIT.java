package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The API installs on a real API server, and everything in examples/ is accepted as written. */
@ExtendWith(TestBedExtension.class)
@org.junit.jupiter.api.Order(1)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiInstallIT {
  private static List<CustomResourceDefinition> installed;

  @BeforeAll
  static void install(TestBed bed) throws IOException {
    installed = AifabricApi.install(bed.client(TestBed.HOST));
  }

  @Test
  @Order(1)
  void everyKindIsServedWithStatusShortNameAndCategory() {
    assertThat(installed)
        .extracting(crd -> crd.getSpec().getNames().getKind())
        .containsExactlyInAnyOrder(
            "AIJob",
            "ComputeNode",
            "MemberCluster",
            "StorageVolume",
            "SettlementBatch",
            "Slash",
            "EpochReward",
            "MemberWork",
            "NodeReport");
    for (CustomResourceDefinition crd : installed) {
      var version = crd.getSpec().getVersions().get(0);
      assertThat(version.getName()).isEqualTo("v1alpha1");
      // Every kind's status is its own subresource: whoever may write the spec (a user, a
      // member's agent) cannot write the status (the operator's verdict), nor the other way.
      assertThat(version.getSubresources().getStatus()).as(crd.getMetadata().getName()).isNotNull();
      assertThat(crd.getSpec().getNames().getShortNames()).isNotEmpty();
      assertThat(crd.getSpec().getNames().getCategories()).contains("aifabric");
      assertThat(version.getAdditionalPrinterColumns()).isNotEmpty();
    }
  }

  @Test
  @Order(1)
  void memberClustersAndComputeNodesAreClusterScoped() {
    assertThat(installed)
        .filteredOn(crd -> crd.getSpec().getScope().equals("Cluster"))
        .extracting(crd -> crd.getSpec().getNames().getKind())
        .containsExactlyInAnyOrder("ComputeNode", "MemberCluster");
  }

  static Stream<Path> examples() throws IOException {
    try (Stream<Path> files = Files.list(AifabricApi.repoRoot().resolve("examples"))) {
      // Names start with an order (00-namespace first), as a user would apply them.
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @Order(2)
  void exampleIsAccepted(Path example, TestBed bed) {
    CommandResult result = bed.kubectl(TestBed.HOST, "apply", "-f", example.toString());
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    // Every object in the file was created (or left unchanged on a re-run).
    assertThat(result.stdout().lines())
        .isNotEmpty()
        .allMatch(
            l -> l.endsWith(" created") || l.endsWith(" unchanged") || l.endsWith(" configured"));
  }
}
