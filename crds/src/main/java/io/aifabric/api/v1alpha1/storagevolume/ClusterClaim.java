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

  /** The claim's phase: Pending, Bound or Lost. */
  private String phase;
}
