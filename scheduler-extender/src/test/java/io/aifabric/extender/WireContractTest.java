package io.aifabric.extender;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifabric.extender.wire.ExtenderArgs;
import io.aifabric.extender.wire.ExtenderBindingArgs;
import io.aifabric.extender.wire.ExtenderBindingResult;
import io.aifabric.extender.wire.ExtenderFilterResult;
import io.aifabric.extender.wire.ExtenderJson;
import io.aifabric.extender.wire.HostPriority;
import java.io.InputStream;
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
        json.valueToTree(
            new ExtenderFilterResult(
                null,
                List.of("gpu-h100-00"),
                Map.of("gpu-h100-02", "1 of 8 GPUs free, the pod needs 2"),
                Map.of("cpu-0", "node has no nvidia.com/gpu"),
                ""));
    assertThat(fieldNames(out))
        .containsExactlyInAnyOrder(
            "NodeNames", "FailedNodes", "FailedAndUnresolvableNodes", "Error");
    assertThat(out.get("NodeNames").get(0).asText()).isEqualTo("gpu-h100-00");
    assertThat(out.get("FailedAndUnresolvableNodes").get("cpu-0").asText())
        .isEqualTo("node has no nvidia.com/gpu");

    JsonNode error = json.valueToTree(ExtenderFilterResult.error("bad request"));
    assertThat(fieldNames(error)).containsExactly("Error");
  }

  @Test
  void writesPrioritiesAsAHostPriorityList() throws Exception {
    String out = json.writeValueAsString(List.of(new HostPriority("gpu-h100-00", 7)));
    assertThat(out).isEqualTo("[{\"Host\":\"gpu-h100-00\",\"Score\":7}]");
  }

  @Test
  void theStreamedAnswersAreTheJsonTheMapperWrites() throws Exception {
    ExtenderJson streamed = new ExtenderJson();
    Map<String, String> failed = new java.util.LinkedHashMap<>();
    failed.put("gpu-h100-02", "1 of 8 GPUs free, the pod needs 2");
    failed.put("gpu \"quoted\"", "reason with \u00e9 and \n");
    List<Object> answers =
        List.of(
            new ExtenderFilterResult(
                null, List.of("gpu-h100-00", "gpu-a"), failed, Map.of("cpu-0", "no GPUs"), null),
            new ExtenderFilterResult(null, List.of(), Map.of(), Map.of(), ""),
            ExtenderFilterResult.error("bad request"),
            List.of(new HostPriority("gpu-h100-00", 7), new HostPriority("gpu-a", 0)),
            List.of());
    for (Object answer : answers) {
      assertThat(json.readTree(streamed.write(answer)))
          .as("%s", answer)
          .isEqualTo(json.readTree(json.writeValueAsBytes(answer)));
    }
    assertThat(new String(streamed.write(List.of(new HostPriority("n", 3)))))
        .isEqualTo("[{\"Host\":\"n\",\"Score\":3}]");
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
