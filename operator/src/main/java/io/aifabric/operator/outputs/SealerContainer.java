package io.aifabric.operator.outputs;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A container of the sealer image in a job's pods — the output sidecar or the input step: the
 * image, a small bounded footprint, and the restricted profile (no privilege escalation, no
 * capabilities, a read-only root file system). Each caller adds its mode, environment and mounts.
 */
public final class SealerContainer {
  private SealerContainer() {}

  public static ContainerBuilder of(String name, String image) {
    return new ContainerBuilder()
        .withName(name)
        .withImage(image)
        .withNewResources()
        .withRequests(Map.of("cpu", new Quantity("100m"), "memory", new Quantity("128Mi")))
        .withLimits(Map.of("memory", new Quantity("256Mi")))
        .endResources()
        .withNewSecurityContext()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .endSecurityContext();
  }
}
