package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.settlement.SettlementBatch;
import io.aifabric.testbed.BridgeProcess;
import io.aifabric.testbed.ExtenderProcess;
import io.aifabric.testing.AnvilChain;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * {@code ./run-local.sh}'s network, the whole loop, on a test bed of its own: started as
 * run-local.sh starts it (the same {@link LocalNetwork}), its story told to the end — the paid job
 * settled on chain and its provider paid, the sealed job's outputs opened with the user's key — and
 * then every service scraped: each panel of the charts' Grafana dashboards must query metrics and
 * labels a service really exports, and show the loop that just ran.
 */
@Order(30)
class LocalNetworkE2E {
  private static LocalNetwork network;
  private static LocalNetwork.Ending ending;

  @BeforeAll
  static void runTheWholeLoop() throws Exception {
    Path bin = Path.of(System.getProperty("aifabric.testbed.bin", "e2e/bin"));
    Path dir =
        Path.of(System.getProperty("aifabric.testbed.dir", "target/testbed"))
            .toAbsolutePath()
            .resolveSibling("local-network");
    network = new LocalNetwork();
    network.start(bin, dir);
    ending = network.tellTheStory();
  }

  @AfterAll
  static void stop() {
    if (network != null) {
      network.close();
    }
  }

  @Test
  void thePaidJobIsSettledOnChainAndItsProviderPaid() throws Exception {
    var settlement = ending.settled().getStatus().getSettlement();
    TransactionReceipt receipt =
        network
            .chain()
            .chain
            .web3j
            .ethGetTransactionReceipt(settlement.getTxHash())
            .send()
            .getTransactionReceipt()
            .orElseThrow();

    assertThat(receipt.isStatusOK()).isTrue();
    assertThat(receipt.getBlockNumber().longValueExact()).isEqualTo(settlement.getBlockNumber());
    assertThat(ending.providerCredit()).isPositive();
    // The batch records the gas its transaction used, as the chain says (the console shows it).
    SettlementBatch batch =
        network
            .federation()
            .host
            .resources(SettlementBatch.class)
            .inAnyNamespace()
            .list()
            .getItems()
            .stream()
            .filter(b -> b.getMetadata().getName().equals(settlement.getBatch()))
            .findFirst()
            .orElseThrow();
    assertThat(batch.getStatus().getGasUsed())
        .isEqualTo(receipt.getGasUsed().longValueExact())
        .isPositive();
  }

  /**
   * The explorer on the whole network shows the settled job, and what the escrow on the chain
   * itself says: the settlements posted there, read by the console (not from any status).
   */
  @Test
  void theExplorerShowsTheSettledJobAndWhatTheChainItselfSays() throws Exception {
    AIJob settled = ending.settled();
    var escrow = network.chain().escrow;
    long posted = escrow.settlementNonce().send().longValueExact();
    assertThat(posted).isPositive();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(network.console().page("/"))
                    .contains("<td class=\"num\" id=\"chain-settlements\">" + posted + "</td>")
                    .contains("<td class=\"num\" id=\"chain-id\">" + AnvilChain.CHAIN_ID)
                    .doesNotContain("chain-error"));
    String jobPage =
        network
            .console()
            .page(
                "/jobs/"
                    + settled.getMetadata().getNamespace()
                    + "/"
                    + settled.getMetadata().getName());
    assertThat(jobPage).contains(settled.getStatus().getSettlement().getTxHash());
  }

  @Test
  void theSealedOutputsOpenWithTheUsersKeyAndTheHostHoldsNoPlaintext() throws Exception {
    String opened = Files.readString(ending.openedOutputs().resolve("replica-0/result.txt"));
    AIJob sealed =
        network
            .federation()
            .host
            .resources(AIJob.class)
            .inNamespace(LocalNetwork.NAMESPACE)
            .withName(LocalNetwork.SEALED_JOB)
            .get();

    assertThat(opened).isEqualTo("summaries of shard 0");
    assertThat(sealed.getStatus().getOutputs()).isNotEmpty();
    assertThat(Serialization.asJson(sealed.getStatus())).doesNotContain("summaries of shard");
  }

  @Test
  void everyDashboardPanelQueriesMetricsAndLabelsTheServicesExport() throws Exception {
    ExportedMetrics exported = scrapeEveryService();
    List<GrafanaDashboards.Query> queries = new ArrayList<>();
    for (Path dashboard : GrafanaDashboards.files()) {
      List<GrafanaDashboards.Query> ofIt = GrafanaDashboards.queries(dashboard);
      assertThat(ofIt).as(dashboard.toString()).isNotEmpty();
      queries.addAll(ofIt);
    }

    assertThat(GrafanaDashboards.files()).hasSize(4);
    assertThat(GrafanaDashboards.problems(queries, exported)).isEmpty();
  }

  @Test
  void theDashboardsShowTheLoopThatRan() throws Exception {
    String operator = network.federation().operator.metrics();
    List<String> bridges = bridgeMetrics();
    double binds = 0;
    for (ExtenderProcess extender : network.extenders()) {
      binds +=
          PrometheusText.sample(
              extender.metrics(), "aifabric_extender_binds_total{outcome=\"bound\"}");
    }

    assertThat(PrometheusText.sample(operator, "aifabric_placements_total{result=\"placed\"}"))
        .isPositive();
    assertThat(PrometheusText.sample(operator, "aifabric_dispatch_latency_seconds_count"))
        .isPositive();
    assertThat(PrometheusText.sample(operator, "aifabric_heartbeats_total{result=\"accepted\"}"))
        .isPositive();
    assertThat(PrometheusText.sample(operator, "aifabric_receipts_total{result=\"signed\"}"))
        .isPositive();
    assertThat(binds).isPositive();
    assertThat(sum(bridges, "aifabric_bridge_attestations_total{result=\"signed\"}"))
        .isGreaterThanOrEqualTo(2); // the quorum: two of the three oracles at least
    assertThat(sum(bridges, "aifabric_bridge_jobs_settled_total")).isPositive();
    assertThat(sum(bridges, "aifabric_bridge_gas_used_count{kind=\"SettlementBatch\"}"))
        .isPositive();
  }

  /** The operator, the three bridges, both members' extenders and the console. */
  private static ExportedMetrics scrapeEveryService() throws Exception {
    ExportedMetrics exported = new ExportedMetrics().add(network.federation().operator.metrics());
    bridgeMetrics().forEach(exported::add);
    for (ExtenderProcess extender : network.extenders()) {
      exported.add(extender.metrics());
    }
    return exported.add(network.console().management("/metrics"));
  }

  private static List<String> bridgeMetrics() throws Exception {
    List<String> all = new ArrayList<>();
    for (BridgeProcess bridge : network.chain().bridges) {
      all.add(bridge.metrics());
    }
    return all;
  }

  private static double sum(List<String> expositions, String series) {
    return expositions.stream().mapToDouble(e -> PrometheusText.sample(e, series)).sum();
  }
}
