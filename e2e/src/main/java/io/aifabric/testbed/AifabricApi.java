package io.aifabric.testbed;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Installs the aifabric API (the committed CRD YAML in crds/generated) into a cluster. */
public final class AifabricApi {
  private AifabricApi() {}

  /** The repository root: system property aifabric.repo.root, else the working directory. */
  public static Path repoRoot() {
    return Path.of(System.getProperty("aifabric.repo.root", ".")).toAbsolutePath().normalize();
  }

  /** The committed CRD YAML files, the ones users apply. */
  public static List<Path> crdFiles() throws IOException {
    try (Stream<Path> files = Files.list(repoRoot().resolve("crds/generated"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  /**
   * Applies every CRD (server-side, so repeated installs by several test classes agree) and waits
   * until each is Established. Returns the CRDs as the API server holds them.
   */
  public static List<CustomResourceDefinition> install(KubernetesClient client) throws IOException {
    var crds = client.apiextensions().v1().customResourceDefinitions();
    List<CustomResourceDefinition> installed = new java.util.ArrayList<>();
    for (Path file : crdFiles()) {
      CustomResourceDefinition crd;
      try (InputStream in = Files.newInputStream(file)) {
        crd = Serialization.unmarshal(in, CustomResourceDefinition.class);
      }
      crds.resource(crd).fieldManager("aifabric-tests").forceConflicts().serverSideApply();
      installed.add(
          crds.withName(crd.getMetadata().getName())
              .waitUntilCondition(AifabricApi::established, 60, TimeUnit.SECONDS));
    }
    awaitDiscovery(client, installed.size());
    return installed;
  }

  /**
   * Established means the API serves the kinds; discovery (which kubectl uses for short names and
   * categories) catches up a moment later.
   */
  private static void awaitDiscovery(KubernetesClient client, int kinds) {
    // Discovery cannot be watched; poll it, bounded.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      var resources = client.getApiResources("aifabric.io/v1alpha1");
      long listed =
          resources == null
              ? 0
              : resources.getResources().stream()
                  .filter(r -> !r.getName().contains("/"))
                  .filter(r -> r.getCategories() != null && r.getCategories().contains("aifabric"))
                  .count();
      if (listed == kinds) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("discovery lists " + listed + " of " + kinds + " kinds");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True"));
  }
}
