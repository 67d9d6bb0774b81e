package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.testbed.AifabricApi;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Grafana dashboards the charts ship ({@code charts/<chart>/dashboards/*.json}): every panel's
 * query, checked against what the services export, and the ConfigMaps a chart installs for them.
 */
final class GrafanaDashboards {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One panel's query. */
  record Query(String dashboard, String panel, String expr) {
    @Override
    public String toString() {
      return dashboard + " / " + panel + ": " + expr;
    }
  }

  private GrafanaDashboards() {}

  /** Every dashboard file of every chart. */
  static List<Path> files() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> charts = Files.list(AifabricApi.repoRoot().resolve("charts"))) {
      for (Path chart : charts.sorted().toList()) {
        files.addAll(files(chart));
      }
    }
    return files;
  }

  /** One chart's dashboard files. */
  static List<Path> files(Path chart) throws IOException {
    Path dir = chart.resolve("dashboards");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Every panel query of one dashboard, rows' nested panels included. */
  static List<Query> queries(Path file) {
    JsonNode dashboard = read(file);
    List<Query> queries = new ArrayList<>();
    collect(dashboard.path("title").asText(), dashboard.path("panels"), queries);
    return queries;
  }

  private static void collect(String dashboard, JsonNode panels, List<Query> into) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        into.add(new Query(dashboard, panel.path("title").asText(), target.path("expr").asText()));
      }
      collect(dashboard, panel.path("panels"), into);
    }
  }

  /**
   * What is wrong with the dashboards' queries against what the services export: a metric no
   * service exports, or a label (matched or grouped by) that the metric does not carry.
   *
   * @return each problem with the query it is in; empty when every panel can show data
   */
  static List<String> problems(List<Query> queries, ExportedMetrics exported) {
    List<String> problems = new ArrayList<>();
    for (Query query : queries) {
      PromQuery parsed = PromQuery.parse(query.expr());
      if (parsed.metrics().isEmpty()) {
        problems.add("no metric in " + query);
      }
      for (Map.Entry<String, Set<String>> metric : parsed.metrics().entrySet()) {
        var labels = exported.labels(metric.getKey());
        if (labels.isEmpty()) {
          problems.add("no service exports " + metric.getKey() + " in " + query);
          continue;
        }
        for (String label : union(metric.getValue(), parsed.grouping())) {
          if (!labels.get().contains(label)) {
            problems.add(metric.getKey() + " has no label " + label + " in " + query);
          }
        }
      }
    }
    return problems;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    return Stream.concat(a.stream(), b.stream())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * Asserts that a chart's release installed one ConfigMap per dashboard of the chart, labelled for
   * Grafana's sidecar, holding the dashboard as committed.
   */
  static void assertInstalled(KubernetesClient client, String namespace, Path chart)
      throws IOException {
    Map<String, String> installed = new TreeMap<>();
    for (ConfigMap map :
        client
            .configMaps()
            .inNamespace(namespace)
            .withLabel("grafana_dashboard", "1")
            .list()
            .getItems()) {
      installed.putAll(map.getData());
    }
    Map<String, String> committed = new TreeMap<>();
    for (Path file : files(chart)) {
      committed.put(file.getFileName().toString(), Files.readString(file).strip());
    }
    assertThat(committed).as("the chart's dashboards").isNotEmpty();
    assertThat(installed).isEqualTo(committed);
    for (String dashboard : installed.values()) {
      assertThat(JSON.readTree(dashboard).path("uid").asText()).startsWith("aifabric-");
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
