package io.aifabric.e2e;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A KWOK-simulated GPU node as NVIDIA GPU Feature Discovery labels a real one: KWOK keeps it Ready
 * and runs the pods bound to it; everything else (scheduling, binding) is the real control plane.
 */
final class KwokGpuNode {
  private KwokGpuNode() {}

  static NodeBuilder builder(String name, String product, int gpus, int memoryMiB) {
    return builder(name, product, gpus, memoryMiB, "16", "64Gi");
  }

  /** The same with the node's CPU and memory capacity given. */
  static NodeBuilder builder(
      String name, String product, int gpus, int memoryMiB, String cpu, String memory) {
    Map<String, Quantity> capacity =
        Map.of(
            "cpu", new Quantity(cpu),
            "memory", new Quantity(memory),
            "pods", new Quantity("110"),
            "nvidia.com/gpu", new Quantity(String.valueOf(gpus)));
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("kubernetes.io/hostname", name)
        .addToLabels("type", "kwok")
        .addToLabels("nvidia.com/gpu.present", "true")
        .addToLabels("nvidia.com/gpu.product", product)
        .addToLabels("nvidia.com/gpu.memory", String.valueOf(memoryMiB))
        .addToLabels("nvidia.com/gpu.count", String.valueOf(gpus))
        .addToAnnotations("kwok.x-k8s.io/node", "fake")
        .endMetadata()
        .withNewStatus()
        .withCapacity(capacity)
        .withAllocatable(capacity)
        .endStatus();
  }

  static Node of(String name, String product, int gpus, int memoryMiB) {
    return builder(name, product, gpus, memoryMiB).build();
  }
}
