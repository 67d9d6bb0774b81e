package io.aifabric.operator.volumes;

import io.aifabric.api.v1alpha1.storagevolume.StorageVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;

/**
 * A StorageVolume's claim in a member: a PersistentVolumeClaim in the tenant namespace of the
 * volume's namespace, of the volume's size and access mode, named from the volume's name and UID
 * (deterministic: claiming again, or after a crash, creates nothing twice; a volume re-created
 * under the same name never adopts the old one's claim), labelled back to the volume.
 */
public final class VolumeClaims {
  public static final String VOLUME_UID = "aifabric.io/volume-uid";
  public static final String VOLUME_NAME = "aifabric.io/volume-name";
  public static final String VOLUME_NAMESPACE = "aifabric.io/volume-namespace";

  private VolumeClaims() {}

  public static String claimName(StorageVolume volume) {
    String uid = volume.getMetadata().getUid().replace("-", "").substring(0, 8);
    String name = volume.getMetadata().getName();
    String base = name.length() > 48 ? name.substring(0, 48) : name;
    return base.replaceAll("[-.]+$", "") + "-" + uid;
  }

  public static PersistentVolumeClaim claim(StorageVolume volume, String namespace) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(claimName(volume))
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                VOLUME_UID,
                volume.getMetadata().getUid(),
                VOLUME_NAME,
                volume.getMetadata().getName(),
                VOLUME_NAMESPACE,
                volume.getMetadata().getNamespace(),
                "app.kubernetes.io/managed-by",
                "aifabric-operator"))
        .endMetadata()
        .withNewSpec()
        .withAccessModes(volume.getSpec().getAccessMode().name())
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(volume.getSpec().getSize().toString())))
        .endResources()
        .endSpec()
        .build();
  }
}
