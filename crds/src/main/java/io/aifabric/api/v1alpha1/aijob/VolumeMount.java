package io.aifabric.api.v1alpha1.aijob;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import lombok.Data;

/** Mounts a StorageVolume of the job's namespace into every replica. */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VolumeMount {
  @Required
  @Size(min = 1, max = 253)
  private String storageVolume;

  @Required
  @Size(min = 1, max = 1024)
  private String mountPath;

  private Boolean readOnly;
}
