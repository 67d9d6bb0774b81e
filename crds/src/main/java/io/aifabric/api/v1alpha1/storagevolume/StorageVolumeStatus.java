package io.aifabric.api.v1alpha1.storagevolume;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;
import lombok.Data;

/** Conditions: Ready; InputsOpenable when the volume has sealed inputs. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StorageVolumeStatus {
  private Long observedGeneration;
  private List<Condition> conditions = new ArrayList<>();
  private List<ClusterClaim> claims = new ArrayList<>();

  /** The sealed inputs of the spec the operator last saw, with their content addresses. */
  private List<InputStatus> inputs = new ArrayList<>();
}
