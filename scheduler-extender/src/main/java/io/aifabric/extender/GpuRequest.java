package io.aifabric.extender;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a pod asks of a node's GPUs: how many ({@code nvidia.com/gpu}, as kube-scheduler counts a
 * pod: the larger of its containers' sum and its largest init container) and which models, if it
 * names any (a node selector or required node affinity on {@code nvidia.com/gpu.product}).
 */
public record GpuRequest(int count, Set<String> models) {
  public static final String GPU = "nvidia.com/gpu";
  public static final String PRODUCT = "nvidia.com/gpu.product";

  /**
   * @throws IllegalArgumentException for a pod this extender has nothing to decide for
   */
  public static GpuRequest of(Pod pod) {
    if (pod == null || pod.getSpec() == null) {
      throw new IllegalArgumentException("the request names no pod");
    }
    int containers = pod.getSpec().getContainers().stream().mapToInt(GpuRequest::gpus).sum();
    int init =
        pod.getSpec().getInitContainers().stream().mapToInt(GpuRequest::gpus).max().orElse(0);
    int count = Math.max(containers, init);
    if (count <= 0) {
      throw new IllegalArgumentException(
          "pod "
              + pod.getMetadata().getNamespace()
              + "/"
              + pod.getMetadata().getName()
              + " requests no "
              + GPU
              + ": the aifabric-scheduler profile is for GPU pods");
    }
    return new GpuRequest(count, models(pod));
  }

  private static int gpus(Container c) {
    if (c.getResources() == null) {
      return 0;
    }
    Quantity q = get(c.getResources().getLimits());
    if (q == null) {
      q = get(c.getResources().getRequests());
    }
    return q == null ? 0 : q.getNumericalAmount().intValueExact();
  }

  private static Quantity get(Map<String, Quantity> resources) {
    return resources == null ? null : resources.get(GPU);
  }

  private static Set<String> models(Pod pod) {
    Set<String> models = new LinkedHashSet<>();
    Map<String, String> selector = pod.getSpec().getNodeSelector();
    if (selector != null && selector.containsKey(PRODUCT)) {
      models.add(selector.get(PRODUCT));
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity != null
        && affinity.getNodeAffinity() != null
        && affinity.getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      for (var term :
          affinity
              .getNodeAffinity()
              .getRequiredDuringSchedulingIgnoredDuringExecution()
              .getNodeSelectorTerms()) {
        List<NodeSelectorRequirement> expressions = term.getMatchExpressions();
        for (NodeSelectorRequirement r :
            expressions == null ? List.<NodeSelectorRequirement>of() : expressions) {
          if (PRODUCT.equals(r.getKey()) && "In".equals(r.getOperator())) {
            models.addAll(r.getValues());
          }
        }
      }
    }
    return Set.copyOf(models);
  }

  public boolean accepts(String model) {
    return models.isEmpty() || models.contains(model);
  }
}
