package io.aifabric.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.ExtenderBindingArgs;
import io.aifabric.extender.wire.ExtenderBindingResult;
import io.aifabric.extender.wire.ExtenderFilterResult;
import io.aifabric.extender.wire.ExtenderJson;
import io.aifabric.extender.wire.FailedNode;
import io.aifabric.extender.wire.HostPriority;
import io.aifabric.extender.wire.JsonString;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.NodeListBuilder;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The extender's JSON is kube-scheduler's: k8s.io/kube-scheduler/extender/v1 has no JSON tags, so
 * every field is its Go name. Requests are read as kube-scheduler writes them; answers are checked
 * field by field.
 */
class WireContractTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ExtenderJson extender = new ExtenderJson();

  @Test
  void readsFilterArgsAsANodeCacheCapableSchedulerSendsThem() throws Exception {
    ExtenderArgs args;
    try (InputStream in = getClass().getResourceAsStream("/contract/filter-args-node-cache.json")) {
      args = json.readValue(in, ExtenderArgs.class);
    }
    assertThat(args.nodes()).isNull();
    assertThat(args.nodeNames())
        .containsExactly("gpu-h100-00", "gpu-h100-02", "gpu-a100-01", "cpu-0");
    GpuRequest request = GpuRequest.of(args.pod());
    assertThat(request.count()).isEqualTo(2);
    assertThat(request.models()).containsExactly("NVIDIA-H100-80GB-HBM3");
  }

  @Test
  void writesFilterResultsWithKubeSchedulersFieldNames() throws Exception {
    JsonNode out =
        json.readTree(
            extender.write(
                new ExtenderFilterResult(
                    null,
                    List.of(JsonString.of("gpu-h100-00")),
                    List.of(new FailedNode("gpu-h100-02", "1 of 8 GPUs free, the pod needs 2")),
                    List.of(new FailedNode("cpu-0", "node has no nvidia.com/gpu")),
                    "")));
    assertThat(fieldNames(out))
        .containsExactly("NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error");
    assertThat(out.get("NodeNames").get(0).asText()).isEqualTo("gpu-h100-00");
    assertThat(out.get("FailedNodes").get("gpu-h100-02").asText())
        .isEqualTo("1 of 8 GPUs free, the pod needs 2");
    assertThat(out.get("FailedAndUnresolvableNodes").get("cpu-0").asText())
        .isEqualTo("node has no nvidia.com/gpu");

    assertThat(new String(extender.write(ExtenderFilterResult.error("bad request"))))
        .isEqualTo("{\"Error\":\"bad request\"}");
  }

  @Test
  void writesTheNodesThatFitWholeWhenTheSchedulerSentNodes() throws Exception {
    NodeList fit =
        new NodeListBuilder()
            .addNewItem()
            .withNewMetadata()
            .withName("gpu-h100-00")
            .endMetadata()
            .endItem()
            .build();
    JsonNode out =
        json.readTree(
            extender.write(
                new ExtenderFilterResult(
                    fit, null, List.of(new FailedNode("gpu-h100-02", "full")), List.of(), null)));
    assertThat(fieldNames(out))
        .containsExactly("Nodes", "FailedNodes", "FailedAndUnresolvableNodes");
    assertThat(out.get("Nodes")).isEqualTo(json.valueToTree(fit));
  }

  @Test
  void writesPrioritiesAsAHostPriorityList() throws Exception {
    assertThat(new String(extender.write(List.of(new HostPriority("gpu-h100-00", 7)))))
        .isEqualTo("[{\"Host\":\"gpu-h100-00\",\"Score\":7}]");
    assertThat(json.writeValueAsString(List.of(new HostPriority("gpu-h100-00", 10))))
        .as("the mapper agrees")
        .isEqualTo("[{\"Host\":\"gpu-h100-00\",\"Score\":10}]");
    assertThat(new String(extender.write(List.of()))).isEqualTo("[]");
  }

  @Test
  void namesAndReasonsAreEscapedAsJsonRequires() throws Exception {
    String odd = "gpu \"quoted\" \\ back";
    String reason = "reason with \u00e9, \u0141 and \n\t";
    byte[] out =
        extender.write(
            new ExtenderFilterResult(
                null,
                List.of(JsonString.of(odd)),
                List.of(new FailedNode(odd, reason)),
                null,
                "error with \"quotes\""));
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("NodeNames", List.of(odd));
    expected.put("FailedNodes", Map.of(odd, reason));
    expected.put("Error", "error with \"quotes\"");
    assertThat(json.readTree(out)).isEqualTo(json.valueToTree(expected));
    assertThat(json.readTree(extender.write(List.of(new HostPriority(odd, 3)))))
        .isEqualTo(json.valueToTree(List.of(Map.of("Host", odd, "Score", 3))));
  }

  @Test
  void readsBindingArgsAndAnswersWithAnErrorOnlyWhenThereIsOne() throws Exception {
    ExtenderBindingArgs args =
        json.readValue(
            "{\"PodName\":\"p\",\"PodNamespace\":\"ns\",\"PodUID\":\"u-1\",\"Node\":\"gpu-h100-00\"}",
            ExtenderBindingArgs.class);
    assertThat(args).isEqualTo(new ExtenderBindingArgs("p", "ns", "u-1", "gpu-h100-00"));
    assertThat(json.writeValueAsString(new ExtenderBindingResult(""))).isEqualTo("{}");
    assertThat(json.writeValueAsString(new ExtenderBindingResult("no GPUs left")))
        .isEqualTo("{\"Error\":\"no GPUs left\"}");
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
