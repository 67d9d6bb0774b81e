package io.aifabric.api.v1alpha1.storagevolume;

import com.fasterxml.jackson.annotation.JsonInclude;
import lombok.Data;

/** The volume's PersistentVolumeClaim in one member cluster. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ClusterClaim {
  private String cluster;
  private String namespace;
  private String claimName;

  /** The claim's phase: Pending, Bound or Lost, as the member's API server says it. */
  private String phase;

  /** The PersistentVolume the member bound it to. */
  private String volumeName;

  /** The capacity the bound volume provides, e.g. 500Gi. */
  private String capacity;
}
