package io.aifabric.extender;

import io.aifabric.contract.NodeLabels;
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
public record GpuRequest(int count, Set<String> models, int minMemoryMiB) {
  public static final String GPU = NodeLabels.GPU_RESOURCE;
  public static final String PRODUCT = NodeLabels.GFD_PRODUCT;

  /**
   * Minimum memory per GPU in MiB, as the operator writes it on the pods of an AIJob that asks for
   * one ({@code spec.resources.minGpuMemoryMiB}).
   */
  public static final String MIN_MEMORY = NodeLabels.MIN_GPU_MEMORY_ANNOTATION;

  public GpuRequest(int count, Set<String> models) {
    this(count, models, 0);
  }

  /**
   * @throws IllegalArgumentException for a pod this extender has nothing to decide for
   */
  public static GpuRequest of(Pod pod) {
    if (pod == null || pod.getSpec() == null) {
      throw new IllegalArgumentException("the request names no pod");
    }
    int count = gpuCount(pod);
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
    return new GpuRequest(count, models(pod), minMemoryMiB(pod));
  }

  private static int minMemoryMiB(Pod pod) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(MIN_MEMORY);
    if (value == null) {
      return 0;
    }
    try {
      int mib = Integer.parseInt(value.trim());
      if (mib >= 0) {
        return mib;
      }
    } catch (NumberFormatException e) {
      // Refused below with the value.
    }
    throw new IllegalArgumentException(
        "annotation " + MIN_MEMORY + " must be a whole number of MiB, not '" + value + "'");
  }

  /** GPUs the pod holds on its node, 0 for a pod without a GPU request (or without a spec). */
  public static int gpuCount(Pod pod) {
    if (pod.getSpec() == null) {
      return 0;
    }
    int containers = 0;
    for (Container c : pod.getSpec().getContainers()) {
      containers += gpus(c);
    }
    int init = 0;
    for (Container c : pod.getSpec().getInitContainers()) {
      init = Math.max(init, gpus(c));
    }
    return Math.max(containers, init);
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
