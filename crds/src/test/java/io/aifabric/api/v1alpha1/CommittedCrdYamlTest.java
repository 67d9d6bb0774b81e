package io.aifabric.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The CRD YAML in crds/generated is what users and the chart apply; it must be what the Java API
 * generates now. Refresh it with {@code ./mvnw -pl crds process-test-classes -Dcrds.update=true}.
 */
class CommittedCrdYamlTest {
  private static final String HOW_TO_FIX =
      "crds/generated is stale: run ./mvnw -pl crds process-test-classes -Dcrds.update=true and"
          + " commit the result";

  private final Path generated = Path.of(System.getProperty("aifabric.crds.generated"));
  private final Path committed = Path.of(System.getProperty("aifabric.crds.committed"));

  @Test
  void everyKindHasGeneratedYaml() throws IOException {
    assertThat(names(generated)).hasSize(CrdYamlGenerator.KINDS.size());
  }

  @Test
  void committedYamlHasTheSameFilesAsGenerated() throws IOException {
    assertThat(names(committed)).as(HOW_TO_FIX).isEqualTo(names(generated));
  }

  @Test
  void committedYamlMatchesGeneratedYaml() throws IOException {
    for (String name : names(generated)) {
      assertThat(Files.readString(committed.resolve(name)))
          .as(HOW_TO_FIX + " (" + name + ")")
          .isEqualTo(Files.readString(generated.resolve(name)));
    }
  }

  private static Stream<String> namesStream(Path dir) throws IOException {
    return Files.list(dir).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"));
  }

  private static java.util.List<String> names(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return java.util.List.of();
    }
    try (Stream<String> names = namesStream(dir)) {
      return names.sorted().toList();
    }
  }
}
