package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.BridgeChart;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The escrow bridge chart on a real host API server: it lints, its schema refuses what would not
 * run, its pod passes Pod Security "restricted", and its ServiceAccount may do exactly what a
 * bridge does (an oracle less than a relayer) and nothing else — the API server answers each
 * question ({@code kubectl auth can-i}). SettlementE2E runs the bridges with these credentials.
 */
@ExtendWith(TestBedExtension.class)
class BridgeChartIT {
  private static final String NS = "bridge-chart";
  private static final String[] VALID = {
    "chain.rpcUrl=http://127.0.0.1:8545",
    "chain.id=31337",
    "chain.escrow=0x5FbDB2315678afecb367f032d93F642f64180aa3",
    "broker.host=127.0.0.1",
    "broker.tls.secretName=bridge-broker-tls",
    "oracle.keySecret.name=oracle-key"
  };

  @BeforeAll
  static void install(TestBed bed) throws IOException {
    AifabricApi.install(bed.client(TestBed.HOST));
    bed.client(TestBed.HOST)
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NS)
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .endMetadata()
                .build())
        .serverSideApply();
    BridgeChart chart = new BridgeChart(bed, NS);
    chart.install("oracle", VALID);
    String[] relayer = java.util.Arrays.copyOf(VALID, VALID.length + 2);
    relayer[VALID.length] = "relayer.enabled=true";
    relayer[VALID.length + 1] = "relayer.keySecret.name=relayer-key";
    chart.install("relayer", relayer);
  }

  @Test
  void lintsStrictly(TestBed bed) {
    String[] args = new String[VALID.length + 3];
    args[0] = "lint";
    args[1] = "--strict";
    args[2] = BridgeChart.chart().toString();
    for (int i = 0; i < VALID.length; i++) {
      args[3 + i] = "--set=" + VALID[i];
    }
    CommandResult lint = bed.helm(TestBed.HOST, args);
    assertThat(lint.succeeded()).as(lint.stdout() + lint.stderr()).isTrue();
  }

  @Test
  void theSchemaRefusesWhatWouldNotRun(TestBed bed) {
    CommandResult result =
        bed.helm(
            TestBed.HOST,
            "template",
            "x",
            BridgeChart.chart().toString(),
            "--set=chain.id=0",
            "--set=chain.escrow=escrow.eth",
            "--set=relayer.enabled=true");
    assertThat(result.succeeded()).isFalse();
    assertThat(result.stderr())
        .contains("/chain/id")
        .contains("/chain/escrow")
        .contains("/chain/rpcUrl")
        .contains("/oracle/keySecret/name")
        .contains("/relayer/keySecret/name");
  }

  @Test
  void itsGrafanaDashboardIsAConfigMapForGrafanasSidecar(TestBed bed) throws Exception {
    GrafanaDashboards.assertInstalled(bed.client(TestBed.HOST), NS, BridgeChart.chart());
  }

  @Test
  void itsPodIsAdmittedUnderRestrictedPodSecurity(TestBed bed) {
    // The namespace enforces "restricted": the ReplicaSet's pods exist only if they comply.
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .until(() -> bed.client(TestBed.HOST).pods().inNamespace(NS).list().getItems().size() == 2);
  }

  @ParameterizedTest(name = "{0} may {1} {2}: {3}")
  @CsvSource({
    "oracle, list, settlementbatches.aifabric.io, yes",
    "oracle, patch, settlementbatches.aifabric.io/status, yes",
    "oracle, create, settlementbatches.aifabric.io, no",
    "oracle, patch, settlementbatches.aifabric.io, no",
    "oracle, delete, settlementbatches.aifabric.io, no",
    "oracle, list, slashes.aifabric.io, yes",
    "oracle, patch, slashes.aifabric.io/status, yes",
    "oracle, create, slashes.aifabric.io, no",
    "oracle, delete, slashes.aifabric.io, no",
    "oracle, patch, epochrewards.aifabric.io/status, yes",
    "oracle, create, epochrewards.aifabric.io, no",
    "oracle, list, aijobs.aifabric.io, yes",
    "oracle, patch, aijobs.aifabric.io/status, no",
    "oracle, get, secrets, no",
    "relayer, create, settlementbatches.aifabric.io, yes",
    "relayer, create, slashes.aifabric.io, yes",
    "relayer, delete, slashes.aifabric.io, no",
    "relayer, create, epochrewards.aifabric.io, yes",
    "relayer, delete, epochrewards.aifabric.io, no",
    "relayer, patch, epochrewards.aifabric.io, no",
    "relayer, patch, computenodes.aifabric.io/status, no",
    "relayer, patch, aijobs.aifabric.io/status, yes",
    "relayer, patch, aijobs.aifabric.io, no",
    "relayer, update, aijobs.aifabric.io, no",
    "relayer, delete, aijobs.aifabric.io, no",
    "relayer, patch, computenodes.aifabric.io, no",
    "relayer, get, secrets, no",
    "relayer, list, pods, no",
  })
  void itsServiceAccountMayDoWhatABridgeDoesAndNothingElse(
      String release, String verb, String resource, String expected, TestBed bed) {
    // The bridges' own kinds are asked about in their namespace; the rest cluster-wide.
    boolean namespaced =
        resource.startsWith("settlementbatches")
            || resource.startsWith("slashes")
            || resource.startsWith("epochrewards");
    String account = NS + ":" + release + "-escrow-bridge";
    assertThat(bed.canI(TestBed.HOST, account, verb, resource, namespaced ? NS : "*"))
        .isEqualTo(expected);
  }
}
