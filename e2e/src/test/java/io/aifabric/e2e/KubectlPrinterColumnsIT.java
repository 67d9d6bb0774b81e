package io.aifabric.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.aifabric.api.v1alpha1.aijob.AIJob;
import io.aifabric.api.v1alpha1.aijob.AIJobStatus;
import io.aifabric.api.v1alpha1.aijob.JobPhase;
import io.aifabric.api.v1alpha1.aijob.Placement;
import io.aifabric.testbed.AifabricApi;
import io.aifabric.testbed.CommandResult;
import io.aifabric.testbed.TestBed;
import io.aifabric.testbed.TestBedExtension;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a user sees with the pinned kubectl: the printer columns, short names and category. */
@ExtendWith(TestBedExtension.class)
@org.junit.jupiter.api.Order(3)
class KubectlPrinterColumnsIT {
  private static String namespace;

  @BeforeAll
  static void setUp(TestBed bed) throws IOException {
    KubernetesClient host = bed.client(TestBed.HOST);
    AifabricApi.install(host);
    namespace = bed.createNamespace(TestBed.HOST, "kubectl");
    AIJob job = Serialization.unmarshal(CelValidationIT.AIJOB, AIJob.class);
    job.getMetadata().setName("train");
    job.getMetadata().setNamespace(namespace);
    host.resource(job).create();
    host.resources(AIJob.class)
        .inNamespace(namespace)
        .withName("train")
        .editStatus(
            j -> {
              AIJobStatus status = new AIJobStatus();
              status.setPhase(JobPhase.Running);
              Placement placement = new Placement();
              placement.setCluster("member-a");
              status.setPlacement(placement);
              status.setCost("1.20");
              j.setStatus(status);
              return j;
            });
    // kubectl prints a table header only when there is a row, so one object of each other kind.
    host.resource(InvalidObject.valid(CelValidationIT.MEMBER).object(namespace, namespace))
        .create();
    host.resource(InvalidObject.valid(CelValidationIT.VOLUME).object(namespace, "data")).create();
    host.resource(InvalidObject.valid(COMPUTE_NODE).object(namespace, namespace + ".gpu-0"))
        .create();
  }

  static final String COMPUTE_NODE =
      """
      apiVersion: aifabric.io/v1alpha1
      kind: ComputeNode
      metadata: {name: x}
      spec: {cluster: member-a, nodeName: gpu-0}
      """;

  @Test
  void getAijobsShowsPhaseGpusClusterCostAndAge(TestBed bed) {
    List<List<String>> table = table(bed, "get", "aijobs", "-n", namespace);
    assertThat(table.get(0))
        .containsExactly("NAME", "PHASE", "REPLICAS", "GPUS", "CLUSTER", "COST", "AGE");
    assertThat(table.get(1)).startsWith("train", "Running", "2", "1", "member-a", "1.20");
  }

  @Test
  void shortNameWorks(TestBed bed) {
    assertThat(table(bed, "get", "aij", "-n", namespace).get(1).get(0)).isEqualTo("train");
  }

  @Test
  void theAifabricCategoryListsTheKinds(TestBed bed) {
    CommandResult result = bed.kubectl(TestBed.HOST, "get", "aifabric", "-n", namespace);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.stdout()).contains("aijob.aifabric.io/train");
  }

  @Test
  void otherKindsHaveTheirColumns(TestBed bed) {
    assertThat(table(bed, "get", "memberclusters").get(0))
        .containsExactly("NAME", "MODE", "READY", "REGION", "VERSION", "GPUS", "AGE");
    assertThat(table(bed, "get", "computenodes").get(0))
        .containsExactly(
            "NAME", "CLUSTER", "GPU", "COUNT", "VERIFIED", "AVAILABLE", "SCORE", "AGE");
    assertThat(table(bed, "get", "storagevolumes", "-n", namespace).get(0))
        .containsExactly("NAME", "SIZE", "ACCESS", "READY", "AGE");
  }

  /** kubectl's table, split on runs of two or more spaces (empty cells collapse). */
  private static List<List<String>> table(TestBed bed, String... args) {
    CommandResult result = bed.kubectl(TestBed.HOST, args);
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return result.stdout().lines().map(l -> Arrays.asList(l.trim().split("\\s{2,}"))).toList();
  }
}
